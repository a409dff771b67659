// End to end with real processes: the production server, the fake hub, and
// `llmlb node run` agents downloading into Hugging Face cache folders.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { scanCacheDir } from "@huggingface/hub";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeHub, startFakeHub } from "../fake-hub";
import { type RunningAgent, startAgent, waitUntil } from "../helpers/agent";
import { jsonApi, type RunningServer, startNextServer } from "../helpers/server";
import { createPostgresDatabase, testDbKind } from "../helpers/test-database";
import { makeLocalCertificate } from "../helpers/tls";

const adminKey = "agent-test-admin-key-0123456789";
let hub: FakeHub;
let server: RunningServer;
let nodeKey: string;
let tmp: string;
const cleanups: (() => Promise<void> | void)[] = [];
const agents: RunningAgent[] = [];

beforeAll(async () => {
  hub = await startFakeHub();
  tmp = mkdtempSync(path.join(os.tmpdir(), "llmlb-agents-"));
  let dbEnv: Record<string, string | undefined>;
  if (testDbKind === "postgres") {
    const db = await createPostgresDatabase();
    dbEnv = { DATABASE_URL: db.url, PGLITE_DIR: undefined };
    cleanups.push(db.drop);
  } else {
    dbEnv = { DATABASE_URL: undefined, PGLITE_DIR: path.join(tmp, "db") };
  }
  server = await startNextServer({ ...dbEnv, HF_ENDPOINT: hub.url, LLMLB_ADMIN_KEY: adminKey, HF_TOKEN: undefined });
  nodeKey = (await api("/api/keys", { method: "POST", body: JSON.stringify({ name: "nodes", scope: "node" }) })).key;
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
  hub.setThrottle(null);
});

afterAll(async () => {
  await server?.stop();
  await hub?.close();
  for (const c of cleanups) await c();
  rmSync(tmp, { recursive: true, force: true });
});

const api = jsonApi(() => server.url, adminKey);
const register = (repo: string) => api("/api/models/register", { method: "POST", body: JSON.stringify({ repo }) });
const v1 = (name: string) => api(`/v1/models/${encodeURIComponent(name)}`);
const nodeState = async (node: string, model: string) => {
  const { nodes } = await api("/api/nodes");
  return nodes.find((n: { name: string }) => n.name === node)?.models.find((m: { name: string }) => m.name === model);
};

function agent(
  name: string,
  opts: { formats?: string; hfToken?: string; cacheDir?: string; env?: Record<string, string> } = {},
) {
  const a = startAgent({
    serverUrl: server.url,
    apiKey: nodeKey,
    hubUrl: hub.url,
    name,
    cacheDir: opts.cacheDir ?? path.join(tmp, `cache-${name}`),
    formats: opts.formats,
    hfToken: opts.hfToken,
    env: opts.env,
  });
  agents.push(a);
  return a;
}

const repoDir = (cache: string, repo: string) => path.join(cache, `models--${repo.replace("/", "--")}`);
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("node agent", () => {
  it("downloads a registered model into the HF cache layout and turns it ready", async () => {
    const a = agent("node-a", { formats: "gguf" });
    const { name, model } = await register("acme/tiny-llama-GGUF:Q4_K_M");
    const ready = await waitUntil(async () => (await v1(name)).ready, 30_000, "ready in /v1/models");
    expect(ready).toBe(true);
    expect((await v1(name)).sync).toMatchObject({ state: "ready", ready_nodes: 1, nodes: 1 });

    const dir = repoDir(a.cacheDir, "acme/tiny-llama-GGUF");
    const link = path.join(dir, "snapshots", model.commit, "tiny-llama.Q4_K_M.gguf");
    expect(readlinkSync(link)).toMatch(/^\.\.\/\.\.\/blobs\/[0-9a-f]{64}$/);
    expect(sha256(link)).toBe(hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf")?.sha256);
    expect(readFileSync(path.join(dir, "refs", "main"), "utf8").trim()).toBe(model.commit);

    // huggingface_hub's cache scanner (JS port) understands what the agent wrote.
    const scan = await scanCacheDir(a.cacheDir);
    const repo = scan.repos.find((r) => r.id.name === "acme/tiny-llama-GGUF");
    expect(repo).toBeDefined();
    const revision = [...(repo?.revisions ?? [])].find((r) => r.commitOid === model.commit);
    expect(revision).toBeDefined();
    expect([...(revision?.files ?? [])].map((f) => f.path.split("/").pop())).toEqual(["tiny-llama.Q4_K_M.gguf"]);
    expect([...(revision?.refs ?? [])]).toContain("main");

    // The Hub token is not configured here, and nothing went to the CDN with credentials.
    expect(hub.requests.filter((r) => r.host.includes(new URL(hub.cdnUrl).host) && r.authorization)).toEqual([]);
  });

  it("two agents with different format preferences choose different variants", async () => {
    agent("gguf-node", { formats: "gguf,safetensors" });
    agent("st-node", { formats: "safetensors,gguf" });
    const { name } = await register("acme/mixed-formats");
    await waitUntil(async () => (await v1(name)).sync.ready_nodes === 2, 30_000, "two ready nodes");
    expect((await nodeState("gguf-node", name)).variant).toBe("gguf:Q4_K_M");
    expect((await nodeState("st-node", name)).variant).toBe("safetensors");
  });

  it("resumes a download with Range after kill -9 and verifies the hash", async () => {
    hub.setThrottle(200_000);
    const cacheDir = path.join(tmp, "cache-resume");
    const first = agent("resume-node", { formats: "gguf", cacheDir });
    const { name } = await register("acme/tiny-llama-GGUF:F16");
    const blobs = path.join(repoDir(cacheDir, "acme/tiny-llama-GGUF"), "blobs");
    const partial = await waitUntil(
      async () => {
        const f = existsSync(blobs) ? readdirSync(blobs).find((b) => b.endsWith(".incomplete")) : undefined;
        return f && statSync(path.join(blobs, f)).size > 150_000 ? f : undefined;
      },
      20_000,
      "a partial blob",
    );
    first.process.kill("SIGKILL");
    await first.stop();
    const kept = statSync(path.join(blobs, partial)).size;
    expect(kept).toBeGreaterThan(150_000);
    hub.clearRequests();
    hub.setThrottle(null);

    agent("resume-node", { formats: "gguf", cacheDir });
    await waitUntil(async () => (await v1(name)).ready, 30_000, "ready after resume");
    const ranged = hub.requests.find((r) => r.range?.startsWith("bytes="));
    expect(ranged).toBeDefined();
    expect(Number(ranged?.range?.match(/bytes=(\d+)-/)?.[1])).toBeGreaterThanOrEqual(kept - 1);
    const expected = hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.F16.gguf")?.sha256 ?? "";
    expect(sha256(path.join(blobs, expected))).toBe(expected);
    expect(readdirSync(blobs).filter((b) => b.endsWith(".incomplete"))).toEqual([]);
  });

  it("reports checksum_mismatch for corrupted bytes and keeps no bad blob", async () => {
    hub.setCorrupt("acme/tiny-metal", "model.metal.bin", true);
    try {
      const a = agent("metal-node", { formats: "metal" });
      const { name } = await register("acme/tiny-metal");
      const state = await waitUntil(
        async () => {
          const s = await nodeState("metal-node", name);
          return s?.state === "error" ? s : undefined;
        },
        30_000,
        "an error state",
      );
      expect(state.error.code).toBe("checksum_mismatch");
      expect((await v1(name)).ready).toBe(false);
      const blobs = path.join(repoDir(a.cacheDir, "acme/tiny-metal"), "blobs");
      const sha = hub.getFile("acme/tiny-metal", "model.metal.bin")?.sha256 ?? "";
      expect(existsSync(path.join(blobs, sha))).toBe(false);
      expect(existsSync(path.join(blobs, `${sha}.incomplete`))).toBe(false);
    } finally {
      hub.setCorrupt("acme/tiny-metal", "model.metal.bin", false);
    }
  });

  it("reports gated without a token, naming HF_TOKEN, and syncs with one", async () => {
    agent("gated-node", { formats: "safetensors" });
    const { name } = await register("acme/gated-model");
    const state = await waitUntil(
      async () => {
        const s = await nodeState("gated-node", name);
        return s?.state === "error" ? s : undefined;
      },
      30_000,
      "a gated error",
    );
    expect(state.error.code).toBe("gated");
    expect(state.error.message).toContain("HF_TOKEN");
    await agents.pop()?.stop();

    hub.clearRequests();
    agent("gated-node", { formats: "safetensors", hfToken: hub.token });
    await waitUntil(async () => (await v1(name)).ready, 30_000, "ready with a token");
    const cdnHost = new URL(hub.cdnUrl).host;
    expect(hub.requests.some((r) => r.host !== cdnHost && r.authorization === `Bearer ${hub.token}`)).toBe(true);
    expect(hub.requests.filter((r) => r.host === cdnHost && r.authorization)).toEqual([]);
  });

  it("removes a deleted model's files from the cache, keeping blobs another model uses", async () => {
    const a = agent("gc-node", { formats: "gguf" });
    const repoModel = (await register("acme/big-model-GGUF:Q2_K")).name;
    const shardModel = (await register("acme/big-model-GGUF:Q8_0")).name;
    await waitUntil(async () => (await v1(repoModel)).ready && (await v1(shardModel)).ready, 30_000, "both ready");
    const dir = repoDir(a.cacheDir, "acme/big-model-GGUF");
    const blobCount = () => readdirSync(path.join(dir, "blobs")).length;
    expect(blobCount()).toBe(3);

    await api(`/api/models/${encodeURIComponent(shardModel)}`, { method: "DELETE" });
    const list = await api("/api/models");
    expect(list.models.map((m: { name: string }) => m.name)).not.toContain(shardModel);
    await waitUntil(async () => blobCount() === 1, 15_000, "shard blobs removed");
    const q2 = hub.getFile("acme/big-model-GGUF", "big-model-Q2_K.gguf")?.sha256 ?? "";
    expect(existsSync(path.join(dir, "blobs", q2))).toBe(true);

    await api(`/api/models/${encodeURIComponent(repoModel)}`, { method: "DELETE" });
    await waitUntil(async () => !existsSync(dir), 15_000, "repo folder removed");
    expect((await api("/v1/models")).data.map((m: { id: string }) => m.id)).not.toContain(repoModel);
  });

  it("a stopped agent's models turn not ready after three missed heartbeats", async () => {
    const a = agent("mortal-node", { formats: "onnx" });
    const { name } = await register("acme/tiny-onnx");
    await waitUntil(async () => (await v1(name)).ready, 30_000, "ready");
    expect(await a.stop("SIGTERM")).toBe(0);
    await waitUntil(async () => !(await v1(name)).ready, 25_000, "not ready after the node stopped");
    const { nodes } = await api("/api/nodes");
    expect(nodes.find((n: { name: string }) => n.name === "mortal-node").online).toBe(false);
  });

  it("downloads over HTTPS from a hub it trusts through NODE_EXTRA_CA_CERTS, and nothing from one it does not", async () => {
    // The same fixtures (and commits) over TLS, on both the Hub origin and its CDN.
    const cert = makeLocalCertificate();
    const tlsHub = await startFakeHub({ tls: cert });
    cleanups.push(() => tlsHub.close(), cert.remove);
    expect(tlsHub.cdnUrl).toMatch(/^https:/);
    const trusting = agent("tls-node", {
      formats: "safetensors",
      env: { HF_ENDPOINT: tlsHub.url, NODE_EXTRA_CA_CERTS: cert.certFile },
    });
    const doubting = agent("no-ca-node", { formats: "safetensors", env: { HF_ENDPOINT: tlsHub.url } });
    const { name, model } = await register("acme/tiny-safetensors");
    await waitUntil(async () => (await nodeState("tls-node", name))?.state === "ready", 30_000, "ready over HTTPS");
    for (const file of ["model.safetensors", "config.json"]) {
      const link = path.join(repoDir(trusting.cacheDir, "acme/tiny-safetensors"), "snapshots", model.commit, file);
      expect(sha256(link)).toBe(tlsHub.getFile("acme/tiny-safetensors", file)?.sha256);
    }
    const cdnHost = new URL(tlsHub.cdnUrl).host;
    expect(tlsHub.requests.some((r) => r.host === cdnHost && r.status === 200)).toBe(true);

    const retry = await doubting.waitForEvent((e) => e.event === "download.retry", 30_000);
    expect(String(retry.msg)).toMatch(/certificate/i);
    expect((await nodeState("no-ca-node", name))?.state).not.toBe("ready");
  });

  it("a server with agents connected still stops on SIGTERM", async () => {
    // Last in this file on purpose: it stops the shared server.
    agent("keepalive-node", { formats: "gguf" });
    await waitUntil(
      async () =>
        (await api("/api/nodes")).nodes.some(
          (n: { name: string; online: boolean }) => n.name === "keepalive-node" && n.online,
        ),
      20_000,
      "the agent online",
    );
    // It exits by itself (0, or Next's 143 for SIGTERM), not by the SIGKILL that
    // stop() sends after 10 s.
    const ended = await server.stop();
    expect(ended.signal).toBeNull();
    expect([0, 143]).toContain(ended.code);
  });
});
