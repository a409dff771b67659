// Registration overhead: how much time POST /api/models/register adds to the one Hub
// metadata call it needs, measured against the (fake) Hub's own answer time.
import type { FakeHub } from "../../tests/fake-hub";
import { percentile } from "./load";

export interface RegistrationFixture {
  repo: string;
  filename: string;
}

/** One weights file per fixture repo: single-file registrations, one variant each. */
export const registrationFixtures: RegistrationFixture[] = [
  { repo: "acme/tiny-llama-GGUF", filename: "tiny-llama.Q4_K_M.gguf" },
  { repo: "acme/tiny-safetensors", filename: "model.safetensors" },
  { repo: "acme/sharded-safetensors", filename: "model-00001-of-00002.safetensors" },
  { repo: "acme/tiny-onnx", filename: "onnx/model.onnx" },
  { repo: "acme/tiny-metal", filename: "model.metal.bin" },
  { repo: "acme/metal-folder", filename: "metal/model.bin" },
  { repo: "acme/big-model-GGUF", filename: "Q4_K_M/big-model-Q4_K_M-00001-of-00003.gguf" },
  { repo: "acme/gated-model", filename: "model.safetensors" },
  { repo: "openai-community/gpt2", filename: "model.safetensors" },
];

export interface ColdSample {
  label: string;
  ms: number;
  /** Median of the Hub's own answer time for the same metadata URL, measured directly. */
  hubMs: number;
  hubCalls: number;
}

export interface RegistrationResult {
  /** Direct metadata fetches of acme/tiny-llama-GGUF@main. */
  hubDirectMs: number[];
  cold: ColdSample[];
  cachedMs: number[];
  cachedHubCalls: number;
}

interface Target {
  serverUrl: string;
  adminKey: string;
  hub: FakeHub;
}

export async function measureRegistration(target: Target, opts: { cachedRuns: number }): Promise<RegistrationResult> {
  const { hub } = target;
  const first = registrationFixtures[0];
  // Next loads a route's bundle on its first request; one registration at a revision
  // measured nowhere else keeps that one-off cost out of the cold figures.
  await registerAndDelete(target, { repo: `https://huggingface.co/${first.repo}/blob/v1.0/${first.filename}` });
  await timeHub(hub.url, first.repo, "main", 3);
  const hubDirectMs = (await timeHub(hub.url, first.repo, "main", 30)).samples;

  // Cold: metadata is cached per repo@revision for 5 minutes, so each fixture gives two
  // uncached registrations, at `main` and pinned to its commit. Timing the Hub directly
  // first also warms the fake hub's own lazy sha256s, so its answer time during the
  // registration is the one measured here.
  const cold: ColdSample[] = [];
  for (const fixture of registrationFixtures) {
    const main = await timeHub(hub.url, fixture.repo, "main", 5);
    const pinned = await timeHub(hub.url, fixture.repo, main.commit, 5);
    for (const [rev, hubMs] of [
      ["main", median(main.samples)],
      [main.commit, median(pinned.samples)],
    ] as const) {
      const input =
        rev === "main"
          ? { repo: fixture.repo, filename: fixture.filename }
          : { repo: `https://huggingface.co/${fixture.repo}/blob/${rev}/${fixture.filename}` };
      const before = countMetadataCalls(hub);
      const ms = await registerAndDelete(target, input);
      const label = `${fixture.repo}@${rev === "main" ? "main" : rev.slice(0, 7)}`;
      cold.push({ label, ms, hubMs, hubCalls: countMetadataCalls(hub) - before });
    }
  }

  const before = countMetadataCalls(hub);
  const cachedMs: number[] = [];
  for (let i = 0; i < opts.cachedRuns; i++) {
    const fixture = registrationFixtures[i % registrationFixtures.length];
    cachedMs.push(await registerAndDelete(target, { repo: fixture.repo, filename: fixture.filename }));
  }
  return { hubDirectMs, cold, cachedMs, cachedHubCalls: countMetadataCalls(hub) - before };
}

/** Time one registration (the request only); delete it afterwards so the next one is new. */
async function registerAndDelete(target: Target, input: { repo: string; filename?: string }): Promise<number> {
  const auth = { authorization: `Bearer ${target.adminKey}` };
  const started = performance.now();
  const res = await fetch(`${target.serverUrl}/api/models/register`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 201) throw new Error(`register ${JSON.stringify(input)}: ${res.status} ${text}`);
  const { name } = JSON.parse(text) as { name: string };
  const del = await fetch(`${target.serverUrl}/api/models/${name}`, { method: "DELETE", headers: auth });
  if (del.status !== 204) throw new Error(`delete ${name}: ${del.status} ${await del.text()}`);
  return ms;
}

async function timeHub(hubUrl: string, repo: string, revision: string, runs: number) {
  const url = `${hubUrl}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
  const samples: number[] = [];
  let commit = "";
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers: { accept: "application/json" } });
    const body = (await res.json()) as { sha?: string };
    samples.push(performance.now() - started);
    if (!res.ok || !body.sha) throw new Error(`hub ${url}: ${res.status}`);
    commit = body.sha;
  }
  return { samples, commit };
}

function countMetadataCalls(hub: FakeHub): number {
  return hub.requests.filter((r) => r.path.startsWith("/api/models/")).length;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}
