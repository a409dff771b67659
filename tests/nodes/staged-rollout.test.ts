// A staged update end to end with real processes: the production server, the fake hub
// moving a repository to a new commit, and an `llmlb node run` agent holding both commits
// in its Hugging Face cache. The hub's request log shows what was downloaded.
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeHub, startFakeHub } from "../fake-hub";
import { type RunningAgent, startAgent, waitUntil } from "../helpers/agent";
import { jsonApi, type RunningServer, startNextServer } from "../helpers/server";
import { createPostgresDatabase, testDbKind } from "../helpers/test-database";

const adminKey = "rollout-test-admin-key-0123456789";
let hub: FakeHub;
let server: RunningServer;
let nodeKey: string;
let tmp: string;
const cleanups: (() => Promise<void> | void)[] = [];
let agent: RunningAgent | null = null;

beforeAll(async () => {
  hub = await startFakeHub();
  tmp = mkdtempSync(path.join(os.tmpdir(), "llmlb-rollout-"));
  let dbEnv: Record<string, string | undefined>;
  if (testDbKind === "postgres") {
    const db = await createPostgresDatabase();
    dbEnv = { DATABASE_URL: db.url, PGLITE_DIR: undefined };
    cleanups.push(db.drop);
  } else {
    dbEnv = { DATABASE_URL: undefined, PGLITE_DIR: path.join(tmp, "db") };
  }
  server = await startNextServer({
    ...dbEnv,
    HF_ENDPOINT: hub.url,
    LLMLB_ADMIN_KEY: adminKey,
    HF_TOKEN: undefined,
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
const v1 = (name: string) => api(`/v1/models/${encodeURIComponent(name)}`);
const post = (p: string) => api(p, { method: "POST" });

/** Files the agent fetched from the Hub since the last clearRequests(), as commit/path. */
const downloads = () =>
  hub.requests
    .filter((r) => r.method === "GET" && r.path.includes("/resolve/") && r.userAgent?.startsWith("llmlb-agent/"))
    .map((r) => decodeURIComponent(r.path.split("/resolve/")[1] ?? ""))
    .sort();

describe("a staged update on a real agent", () => {
  it("downloads only changed and new files beside the served commit, promotes, rolls back without a download, and cancels", async () => {
    const repo = "acme/tiny-safetensors";
    const a = startAgent({
      serverUrl: server.url,
      apiKey: nodeKey,
      hubUrl: hub.url,
      name: "roll-a",
      cacheDir: path.join(tmp, "cache"),
      formats: "safetensors",
    });
    agent = a;
    const { name, model } = await api("/api/models/register", { method: "POST", body: JSON.stringify({ repo }) });
    const old = model.commit;
    await waitUntil(async () => (await v1(name)).ready, 30_000, "ready");
    const dir = path.join(a.cacheDir, `models--${repo.replace("/", "--")}`);
    const ref = () => readFileSync(path.join(dir, "refs", "main"), "utf8").trim();
    expect(ref()).toBe(old);

    // /v1/models is watched through the whole rollout: it must never say not ready.
    let watching = true;
    const seen: { ready: boolean; commit: string }[] = [];
    const watcher = (async () => {
      while (watching) {
        const m = await v1(name);
        seen.push({ ready: m.ready, commit: m.commit });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    // Upstream fixes config.json and adds tokenizer.model; model.safetensors is unchanged.
    const head = hub.push(repo, {
      write: [
        { path: "config.json", kind: "text", content: '{"model_type":"llama","hidden_size":64,"fixed":true}' },
        { path: "tokenizer.model", kind: "binary", size: 20_000, lfs: true },
      ],
    });
    hub.clearRequests();
    const staged = await post(`/api/models/${name}/update`);
    expect(staged.rollout.candidate.commit).toBe(head);
    const progress = await waitUntil(
      async () => {
        const r = await api(`/api/models/${name}/rollout`);
        return r.promotable ? r : null;
      },
      30_000,
      "the candidate ready on the node",
    );
    expect(progress.nodes).toEqual([
      expect.objectContaining({ node: "roll-a", current_state: "ready", state: "ready", holds_back: false }),
    ]);
    expect(downloads()).toEqual([`${head}/config.json`, `${head}/tokenizer.model`]);
    // Both snapshots on disk; the revision's ref still names the served commit.
    expect(existsSync(path.join(dir, "snapshots", head, "model.safetensors"))).toBe(true);
    expect(existsSync(path.join(dir, "snapshots", old, "model.safetensors"))).toBe(true);
    expect(ref()).toBe(old);
    expect((await v1(name)).commit).toBe(old);

    // Cancel: the candidate's snapshot goes, the served one stays.
    await api(`/api/models/${name}/candidate`, { method: "DELETE" });
    await waitUntil(async () => !existsSync(path.join(dir, "snapshots", head)), 30_000, "candidate dropped");
    expect(existsSync(path.join(dir, "snapshots", old, "model.safetensors"))).toBe(true);

    // Staged again and promoted: the node switches without a gap.
    await post(`/api/models/${name}/update`);
    await waitUntil(async () => (await api(`/api/models/${name}/rollout`)).promotable, 30_000, "ready again");
    const promoted = await post(`/api/models/${name}/promote`);
    expect(promoted).toMatchObject({ commit: head, not_ready: [], rollout: { previous: { commit: old } } });
    await waitUntil(async () => ref() === head, 30_000, "the ref moved to the promoted commit");
    expect(await v1(name)).toMatchObject({ ready: true, commit: head });
    // The previous snapshot is kept for the grace period.
    expect(existsSync(path.join(dir, "snapshots", old, "config.json"))).toBe(true);
    await waitUntil(
      async () => (await api("/api/nodes")).nodes[0]?.models.length === 1,
      10_000,
      "the node's current report",
    );

    // Rollback: the old snapshot is still on disk, so it is served again with no download.
    hub.clearRequests();
    const back = await post(`/api/models/${name}/rollback`);
    expect(back).toMatchObject({ commit: old, rollout: { candidate: null, previous: { commit: head } } });
    await waitUntil(async () => ref() === old, 30_000, "the ref back on the old commit");
    expect(await v1(name)).toMatchObject({ ready: true, commit: old });
    expect(downloads()).toEqual([]);

    watching = false;
    await watcher;
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.filter((s) => !s.ready)).toEqual([]);
    const history = (await api(`/api/models/${name}/history`)).history.map((e: { action: string }) => e.action);
    expect(history).toEqual([
      "rolled_back",
      "promoted",
      "staged",
      "cancelled",
      "staged",
      "upstream_moved",
      "registered",
    ]);
  }, 120_000);
});

describe("the rollback grace period", () => {
  it("removes the previous snapshot when the grace ends, keeping the blobs the current one still uses", async () => {
    const graceTmp = mkdtempSync(path.join(os.tmpdir(), "llmlb-grace-"));
    const graceServer = await startNextServer({
      DATABASE_URL: undefined,
      PGLITE_DIR: path.join(graceTmp, "db"),
      HF_ENDPOINT: hub.url,
      LLMLB_ADMIN_KEY: adminKey,
      HF_TOKEN: undefined,
      LLMLB_UPSTREAM_CHECK_INTERVAL: "off",
      LLMLB_ROLLBACK_GRACE: "3s",
    });
    const call = async (p: string, method = "GET", body?: unknown) => {
      const res = await fetch(`${graceServer.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(res.ok, `${method} ${p} → ${res.status}`).toBe(true);
      return res.json();
    };
    const g = startAgent({
      serverUrl: graceServer.url,
      apiKey: (await call("/api/keys", "POST", { name: "nodes", scope: "node" })).key,
      hubUrl: hub.url,
      name: "grace-a",
      cacheDir: path.join(graceTmp, "cache"),
      formats: "safetensors",
    });
    try {
      const repo = "acme/tiny-safetensors";
      const { name, model } = await call("/api/models/register", "POST", { repo });
      await waitUntil(async () => (await call(`/v1/models/${encodeURIComponent(name)}`)).ready, 30_000, "ready");
      const old = model.commit;
      const head = hub.push(repo, {
        write: [{ path: "config.json", kind: "text", content: '{"model_type":"llama","hidden_size":64,"grace":true}' }],
      });
      const blobsBefore = readdirSync(path.join(g.cacheDir, `models--${repo.replace("/", "--")}`, "blobs"));
      await call(`/api/models/${name}/update`, "POST");
      await waitUntil(async () => (await call(`/api/models/${name}/rollout`)).promotable, 30_000, "candidate ready");
      await call(`/api/models/${name}/promote`, "POST");

      const dir = path.join(g.cacheDir, `models--${repo.replace("/", "--")}`);
      await waitUntil(async () => !existsSync(path.join(dir, "snapshots", old)), 30_000, "the previous snapshot gone");
      expect(readFileSync(path.join(dir, "refs", "main"), "utf8").trim()).toBe(head);
      // Every blob left is one the current snapshot links to, and its weights are still there.
      const linked = readdirSync(path.join(dir, "snapshots", head), { recursive: true, withFileTypes: true })
        .filter((e) => e.isSymbolicLink() || e.isFile())
        .map((e) => path.basename(realpathSync(path.join(e.parentPath, e.name))))
        .sort();
      expect(readdirSync(path.join(dir, "blobs")).sort()).toEqual(linked);
      // The weights' blob is shared and stays; the old config.json's blob went with the snapshot.
      expect(linked.filter((b) => blobsBefore.includes(b))).toHaveLength(blobsBefore.length - 1);
      expect((await call(`/v1/models/${encodeURIComponent(name)}`)).ready).toBe(true);
    } finally {
      await g.stop();
      await graceServer.stop();
      rmSync(graceTmp, { recursive: true, force: true });
    }
  }, 120_000);
});
