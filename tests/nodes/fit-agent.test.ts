// Agents choose by need (docs/fit.md), with real processes: the production server reads the
// weight headers on the fake hub, and an `llmlb node run` agent with little memory reports
// `too_large` with the figures instead of downloading, while a model that fits is fetched.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeHub, startFakeHub } from "../fake-hub";
import { type RunningAgent, startAgent, waitUntil } from "../helpers/agent";
import { jsonApi, type RunningServer, startNextServer } from "../helpers/server";
import { createServerDatabase } from "../helpers/test-database";

const adminKey = "fit-agent-test-admin-key-0123456789";
let hub: FakeHub;
let server: RunningServer;
let nodeKey: string;
let tmp: string;
const cleanups: (() => Promise<void> | void)[] = [];
let agent: RunningAgent | null = null;

beforeAll(async () => {
  hub = await startFakeHub();
  tmp = mkdtempSync(path.join(os.tmpdir(), "llmlb-fit-agent-"));
  const database = await createServerDatabase();
  cleanups.push(database.drop);
  server = await startNextServer({
    ...database.env,
    HF_ENDPOINT: hub.url,
    LLMLB_ADMIN_KEY: adminKey,
    // The server may read the gated repository's header; so may the agent.
    HF_TOKEN: hub.token,
    LLMLB_UPSTREAM_CHECK_INTERVAL: "off",
  });
  nodeKey = (await api("/api/keys", { method: "POST", body: JSON.stringify({ name: "nodes", scope: "node" }) })).key;
});

afterAll(async () => {
  await agent?.stop();
  await server?.stop();
  await hub?.close();
  for (const c of cleanups) await c();
  rmSync(tmp, { recursive: true, force: true });
});

const api = jsonApi(() => server.url, adminKey);
type NodeModel = {
  name: string;
  state: string;
  variant: string | null;
  error: { code: string; message: string } | null;
};
const nodeModel = async (name: string): Promise<NodeModel | undefined> => {
  const { nodes } = await api("/api/nodes");
  return nodes[0]?.models.find((m: NodeModel) => m.name === name);
};
const agentDownloads = (repo: string) =>
  hub.requests.filter((r) => r.userAgent?.startsWith("llmlb-agent/") && decodeURIComponent(r.path).includes(repo));

describe("an agent with 4 GB of GPU memory and 5 GiB of system memory", () => {
  it("reports too_large with the figures for Llama 3 8B and downloads nothing; fetches a model that fits", async () => {
    for (const repo of ["acme/shape-llama-GGUF", "acme/shape-gated-GGUF"]) {
      await api("/api/models/register", { method: "POST", body: JSON.stringify({ repo }) });
    }
    hub.clearRequests();
    agent = startAgent({
      serverUrl: server.url,
      apiKey: nodeKey,
      hubUrl: hub.url,
      hfToken: hub.token,
      name: "fit-small",
      cacheDir: path.join(tmp, "cache"),
      formats: "gguf",
      env: {
        LLMLB_NODE_GPUS: JSON.stringify([{ name: "small", memory_bytes: 4e9 }]),
        LLMLB_NODE_MEMORY: "5G",
        LLMLB_NODE_CONTEXT: "8192",
      },
    });
    const big = "hf/acme/shape-llama-GGUF";
    const small = "hf/acme/shape-gated-GGUF";
    try {
      await waitUntil(async () => (await nodeModel(small))?.state === "ready", 60_000, "the small model ready");
      await waitUntil(async () => (await nodeModel(big))?.state === "unsupported", 30_000, "the big one refused");
    } catch (error) {
      console.log(agent.output.slice(-30).join("\n"), JSON.stringify(await api("/api/nodes")));
      throw error;
    }
    const refused = await nodeModel(big);
    // Q4_K_M: 4.66 GB of weights + 1 GiB of KV cache at 8k + 512 MiB overhead.
    expect(refused?.error).toEqual({
      code: "too_large",
      message:
        "does not fit this node: its smallest variant gguf:Q4_K_M needs 6.3 GB at 8k context; this node has 4.0 GB of GPU memory and 5.4 GB of system memory",
    });
    expect(agentDownloads("shape-llama")).toEqual([]);
    // The tiny model (1 MB of weights, a few MB of KV cache) fits its GPU: fetched and ready.
    expect((await nodeModel(small))?.variant).toBe("gguf:Q4_0");
    expect(agentDownloads("shape-gated").length).toBeGreaterThan(0);

    // The server's view agrees: the node holds the small model on one GPU and nothing of the big one.
    const fit = await api(`/api/models/${big}/fit`);
    expect(fit.details).toEqual([expect.objectContaining({ node: "fit-small", fits: false })]);
  }, 120_000);
});
