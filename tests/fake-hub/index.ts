// Public surface of the fake Hugging Face Hub used by integration tests and agents.
export type { ContentSpec } from "./content";
export type { OutageMode } from "./context";
export type {
  FixtureBinaryFile,
  FixtureFile,
  FixtureRedirect,
  FixtureRepo,
  FixtureTextFile,
} from "./fixtures";
export { fixtureRedirects, fixtureRepos } from "./fixtures";
export type { FakeHub, FakeHubOptions, HubRequest } from "./server";
export { FAKE_HUB_TOKEN, startFakeHub } from "./server";
export type { RepoPush } from "./store";
