import { type APIRequestContext, test as base, type Page } from "@playwright/test";
import { KeysPage } from "./pages/keys-page";
import { LoginPage } from "./pages/login-page";
import { ModelsPage } from "./pages/models-page";
import { NodesPage } from "./pages/nodes-page";
import { UsersPage } from "./pages/users-page";
import { admin, adminApiKey } from "./support/accounts";
import { type NodeHardware, NodeReporter } from "./support/node-reporter";

type WorkerFixtures = {
  serverUrl: string;
  /** The JSON API with the bootstrap admin key, for setting the scene as a script would. */
  adminApi: APIRequestContext;
};

type Fixtures = {
  /** Announce a node through the node API (an NVIDIA L4 and 64 GB unless told); closed after the test. */
  announceNode: (name: string, hardware?: NodeHardware) => Promise<NodeReporter>;
  loginPage: LoginPage;
  modelsPage: ModelsPage;
  nodesPage: NodesPage;
  keysPage: KeysPage;
  usersPage: UsersPage;
  /** A page already signed in as the admin. */
  adminPage: Page;
};

export const hubUrl = () => required("E2E_HUB_URL");

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through playwright.config.ts (global setup)`);
  return value;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures a fixture needs from this pattern
  serverUrl: [async ({}, use) => use(required("E2E_BASE_URL")), { scope: "worker" }],
  adminApi: [
    async ({ playwright, serverUrl }, use) => {
      const api = await playwright.request.newContext({
        baseURL: serverUrl,
        extraHTTPHeaders: { authorization: `Bearer ${adminApiKey}` },
      });
      await use(api);
      await api.dispose();
    },
    { scope: "worker" },
  ],
  baseURL: async ({ serverUrl }, use) => use(serverUrl),
  announceNode: async ({ adminApi, serverUrl }, use) => {
    const nodes: NodeReporter[] = [];
    await use(async (name, hardware) => {
      const node = await NodeReporter.announce(adminApi, serverUrl, name, hardware);
      nodes.push(node);
      return node;
    });
    for (const node of nodes) await node.dispose();
  },
  loginPage: async ({ page }, use) => use(new LoginPage(page)),
  modelsPage: async ({ page }, use) => use(new ModelsPage(page)),
  nodesPage: async ({ page }, use) => use(new NodesPage(page)),
  keysPage: async ({ page }, use) => use(new KeysPage(page)),
  usersPage: async ({ page }, use) => use(new UsersPage(page)),
  adminPage: async ({ page, loginPage }, use) => {
    await loginPage.signIn(admin);
    await use(page);
  },
});

export { expect } from "@playwright/test";
