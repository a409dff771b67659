import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { type NodeOverview, nodesOverviewSchema } from "@/lib/api/model-schemas";
import { getDb, rowsOf } from "@/lib/db/client";
import { flushLiveness } from "@/lib/nodes/liveness";
import { adminKey, startHubForFile } from "../helpers/env";
import { callApi, callJson } from "../helpers/routes";

startHubForFile();

let nodeKey: string;
let otherNodeKey: string;
let readerKey: string;
const announce = (body: unknown, key = nodeKey) => callJson("POST", "/api/nodes", { key, json: body });
const sync = (id: string, body: unknown, key = nodeKey) =>
  callJson("PUT", `/api/nodes/${id}/sync`, { key, json: body });
const v1 = async (name: string) => (await callJson("GET", `/v1/models/${name}`, { key: readerKey })).body;
const register = (repo: string) => callJson("POST", "/api/models/register", { key: adminKey, json: { repo } });

beforeAll(async () => {
  const mk = async (scope: string) =>
    (await callJson("POST", "/api/keys", { key: adminKey, json: { name: scope, scope } })).body.key as string;
  nodeKey = await mk("node");
  otherNodeKey = await mk("node");
  readerKey = await mk("reader");
  expect((await register("acme/tiny-safetensors")).status).toBe(201);
  expect((await register("acme/tiny-llama-GGUF")).status).toBe(201);
});

const hardware = {
  runtimes: ["llama.cpp"],
  formats: ["gguf", "safetensors"],
  gpus: [{ name: "RTX 4090", memory_bytes: 24e9 }],
  memory_bytes: 64e9,
  free_disk_bytes: 500e9,
  agent_version: "0.1.0",
};

describe("node announcement", () => {
  it("creates a node, and announcing the same name again updates it", async () => {
    const first = await announce({ name: "gpu-1", ...hardware });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: expect.any(String), name: "gpu-1", heartbeat_interval_s: 5 });
    const again = await announce({ name: "GPU-1", ...hardware, free_disk_bytes: 400e9 });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const nodes = (await callJson("GET", "/api/nodes", { key: readerKey })).body.nodes;
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      name: "gpu-1",
      online: true,
      free_disk_bytes: 400e9,
      formats: ["gguf", "safetensors"],
    });
  });

  it("does not let another node key take a node's name", async () => {
    const mine = await announce({ name: "edge-1", ...hardware });
    const theirs = await announce({ name: "EDGE-1", ...hardware }, otherNodeKey);
    expect(theirs.status).toBe(409);
    expect(theirs.body.error.message).toContain("another key");
    expect((await sync(mine.body.id, { models: [] })).status).toBe(200);
    // An admin may move it deliberately; the old key then stops reporting for it.
    const moved = await callJson("POST", "/api/nodes", { key: adminKey, json: { name: "edge-1", ...hardware } });
    expect(moved.status).toBe(200);
    expect((await sync(mine.body.id, { models: [] })).status).toBe(403);
    expect((await callApi("DELETE", `/api/nodes/${mine.body.id}`, { key: adminKey })).status).toBe(204);
  });

  it("does not let a node key take a node no key owns: one an admin announced, or whose key was revoked", async () => {
    const byAdmin = await callJson("POST", "/api/nodes", { key: adminKey, json: { name: "admin-node", ...hardware } });
    expect(byAdmin.status).toBe(201);
    const taken = await announce({ name: "admin-node", ...hardware });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toContain("admin key");
    expect((await sync(byAdmin.body.id, { models: [] })).status).toBe(403);

    const spare = (await callJson("POST", "/api/keys", { key: adminKey, json: { name: "spare", scope: "node" } })).body;
    const orphan = await announce({ name: "orphan-node", ...hardware }, spare.key);
    expect(orphan.status).toBe(201);
    expect((await callApi("DELETE", `/api/keys/${spare.id}`, { key: adminKey })).status).toBe(204);
    expect((await announce({ name: "orphan-node", ...hardware })).status).toBe(409);
    for (const id of [byAdmin.body.id, orphan.body.id]) {
      expect((await callApi("DELETE", `/api/nodes/${id}`, { key: adminKey })).status).toBe(204);
    }
  });

  it("refuses bad announcements and the wrong scope", async () => {
    expect((await announce({ name: "" })).status).toBe(400);
    expect((await announce({ name: "a b" })).status).toBe(400);
    const badFormat = await announce({ name: "n", formats: ["pytorch"] });
    expect(badFormat.status).toBe(400);
    expect(badFormat.body.error.message).toContain("formats");
    expect((await announce({ name: "n", memory_bytes: -1 })).status).toBe(400);
    expect((await announce({ name: "n" }, readerKey)).status).toBe(403);
    expect((await callJson("POST", "/api/nodes", { json: { name: "n" } })).status).toBe(401);
    expect((await callJson("GET", "/api/nodes", { key: readerKey })).body.nodes).toHaveLength(1);
  });
});

describe("node sync", () => {
  it("turns a model ready when an online node reports it ready, and shows progress", async () => {
    const { id } = (await announce({ name: "gpu-1", ...hardware })).body;
    expect((await v1("hf/acme/tiny-safetensors")).ready).toBe(false);

    const downloading = await sync(id, {
      free_disk_bytes: 499e9,
      models: [
        { name: "hf/acme/tiny-safetensors", state: "downloading", bytes_done: 100, bytes_total: 400 },
        { name: "hf/acme/not-registered", state: "ready", variant: "gguf:Q4_K_M" },
      ],
    });
    expect(downloading.status).toBe(200);
    expect(downloading.body).toEqual({
      heartbeat_interval_s: 5,
      registry_etag: expect.stringMatching(/^".+"$/),
      refused: [],
    });
    expect(await v1("hf/acme/tiny-safetensors")).toMatchObject({ ready: false, sync: { state: "syncing", nodes: 1 } });

    await sync(id, {
      models: [
        { name: "HF/acme/tiny-safetensors", state: "ready", variant: "safetensors", bytes_done: 400, bytes_total: 400 },
        {
          name: "hf/acme/tiny-llama-GGUF",
          state: "error",
          error: { code: "disk_full", message: "needs 1.8 MB, 1 MB free" },
        },
      ],
    });
    expect(await v1("hf/acme/tiny-safetensors")).toMatchObject({
      ready: true,
      sync: { state: "ready", ready_nodes: 1 },
    });
    expect(await v1("hf/acme/tiny-llama-GGUF")).toMatchObject({ ready: false, sync: { state: "error" } });
    const list = (await callJson("GET", "/v1/models", { key: readerKey })).body.data;
    expect(list.find((m: { id: string }) => m.id === "hf/acme/tiny-safetensors").ready).toBe(true);

    // Free disk rides on liveness, which is written in batches (every 2 s).
    await flushLiveness();
    const node = (await callJson("GET", "/api/nodes", { key: readerKey })).body.nodes[0];
    expect(node.models_ready).toBe(1);
    expect(node.models_registered).toBe(2);
    expect(node.free_disk_bytes).toBe(499e9);
    expect(node.models).toEqual([
      expect.objectContaining({
        name: "hf/acme/tiny-llama-GGUF",
        state: "error",
        error: { code: "disk_full", message: "needs 1.8 MB, 1 MB free" },
      }),
      expect.objectContaining({
        name: "hf/acme/tiny-safetensors",
        state: "ready",
        variant: "safetensors",
        bytes_done: 400,
      }),
    ]);
  });

  it("keeps the reason a node cannot load a model", async () => {
    const { id } = (await announce({ name: "gpu-1", ...hardware })).body;
    await sync(id, {
      models: [
        { name: "hf/acme/tiny-safetensors", state: "unsupported", error: { code: "x", message: "offers only metal" } },
      ],
    });
    const node = (await callJson("GET", "/api/nodes", { key: readerKey })).body.nodes[0];
    expect(node.models[0]).toMatchObject({
      state: "unsupported",
      error: { code: "unsupported", message: "offers only metal" },
    });
  });

  it("drops states the node no longer reports", async () => {
    const { id } = (await announce({ name: "gpu-1", ...hardware })).body;
    await sync(id, { models: [{ name: "hf/acme/tiny-safetensors", state: "ready", variant: "safetensors" }] });
    const node = (await callJson("GET", "/api/nodes", { key: readerKey })).body.nodes[0];
    expect(node.models.map((m: { name: string }) => m.name)).toEqual(["hf/acme/tiny-safetensors"]);
  });

  it("only the key that announced a node may report for it", async () => {
    const { id } = (await announce({ name: "gpu-1", ...hardware })).body;
    const other = await sync(id, { models: [] }, otherNodeKey);
    expect(other.status).toBe(403);
    expect((await sync(id, { models: [] }, readerKey)).status).toBe(403);
    const unknown = await sync("00000000-0000-4000-8000-000000000000", { models: [] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("node_not_found");
    expect((await sync("nope", { models: [] })).status).toBe(404);
    expect((await sync(id, { models: "all of them" })).status).toBe(400);
    expect((await sync(id, {})).status).toBe(400);
    expect((await v1("hf/acme/tiny-safetensors")).ready).toBe(true);
  });

  it("refuses one bad entry, not the heartbeat: the node stays online and its other entries count", async () => {
    const { id } = (await announce({ name: "gpu-1", ...hardware })).body;
    const longVariant = `gguf:Q4_K_M@${"folder/".repeat(43)}`;
    const res = await sync(id, {
      free_disk_bytes: "plenty",
      models: [
        { name: "hf/acme/tiny-safetensors", state: "ready", variant: "safetensors" },
        { name: "hf/acme/tiny-llama-GGUF", state: "ready", variant: longVariant },
        { name: "hf/acme/somewhere-else", state: "done" },
        42,
        { name: "hf/acme/tiny-llama-GGUF", state: "downloading", bytes_done: -5 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.refused).toEqual([
      { index: null, name: null, reason: expect.stringContaining("free_disk_bytes") },
      { index: 1, name: "hf/acme/tiny-llama-GGUF", reason: expect.stringContaining("variant") },
      { index: 2, name: "hf/acme/somewhere-else", reason: expect.stringContaining("state") },
      { index: 3, name: null, reason: expect.any(String) },
      { index: 4, name: "hf/acme/tiny-llama-GGUF", reason: expect.stringContaining("bytes_done") },
    ]);
    expect(await v1("hf/acme/tiny-safetensors")).toMatchObject({ ready: true, sync: { ready_nodes: 1 } });
    const node = (await callJson("GET", "/api/nodes", { key: readerKey })).body.nodes[0];
    expect(node).toMatchObject({ online: true, free_disk_bytes: 500e9 });
    // The refused entry does not pass for ready, nor for "not reported": it shows why.
    expect(node.models.find((m: { name: string }) => m.name === "hf/acme/tiny-llama-GGUF")).toMatchObject({
      state: "error",
      error: { code: "invalid_report", message: expect.stringContaining("variant") },
    });
    expect(await v1("hf/acme/tiny-llama-GGUF")).toMatchObject({ ready: false, sync: { state: "error" } });
  });

  it("refuses control characters in names, drops them from messages: never a 500", async () => {
    const { id } = (await announce({ name: "gpu-1", ...hardware })).body;
    const res = await sync(id, {
      models: [
        { name: "hf/acme/tiny-safetensors", state: "error", error: { code: "x", message: "bad\u0000 byte\nnext" } },
        { name: "hf/acme/tiny-llama-GGUF", state: "ready", variant: "gguf:Q4\u0000" },
        { name: "hf/acme/\u0000", state: "ready" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.refused.map((r: { index: number; name: string | null }) => [r.index, r.name])).toEqual([
      [1, "hf/acme/tiny-llama-GGUF"],
      [2, null],
    ]);
    const node = (await callJson("GET", "/api/nodes", { key: readerKey })).body.nodes[0];
    expect(node.online).toBe(true);
    expect(node.models.find((m: { name: string }) => m.name === "hf/acme/tiny-safetensors").error).toEqual({
      code: "x",
      message: "bad byte\nnext",
    });
    const bad = await announce({ name: "gpu-1", ...hardware, runtimes: ["llama\u0000cpp"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("control characters");
  });

  it("takes a report on a model whose name lower-cases differently in JavaScript and PostgreSQL", async () => {
    const { id } = (await announce({ name: "gpu-1", ...hardware })).body;
    const names: string[] = [];
    for (const filename of ["ΟΔΟΣ-Q4_K_M.gguf", "İstanbul-Q8_0.gguf"]) {
      const res = await callJson("POST", "/api/models/register", {
        key: adminKey,
        json: { repo: "hostile/unicode-case", filename },
      });
      expect(res.status).toBe(201);
      names.push(res.body.name);
    }
    await sync(id, { models: names.map((name) => ({ name, state: "ready", variant: "gguf" })) });
    for (const name of names) expect(await v1(encodeURIComponent(name))).toMatchObject({ ready: true });
    for (const name of names) await callApi("DELETE", `/api/models/${encodeURIComponent(name)}`, { key: adminKey });
  });

  it("refuses a lone surrogate in a name or variant, and a message with one is no change the next time", async () => {
    const { id } = (await announce({ name: "gpu-1", ...hardware })).body;
    const syncVersion = async () => {
      const { db } = await getDb();
      const result = await db.execute(sql`select sync_version::text as v from registry_state where id = 1`);
      return rowsOf<{ v: string }>(result)[0]?.v;
    };
    const body = {
      models: [
        { name: "hf/acme/tiny-safetensors", state: "error", error: { code: "x", message: "half \ud800 a pair" } },
        { name: "hf/acme/tiny-llama-GGUF", state: "ready", variant: "gguf:\ud800" },
      ],
    };
    const first = await sync(id, body);
    expect(first.body.refused).toEqual([
      { index: 1, name: "hf/acme/tiny-llama-GGUF", reason: expect.stringContaining("lone surrogate") },
    ]);
    const before = await syncVersion();
    expect((await sync(id, body)).status).toBe(200);
    expect(await syncVersion()).toBe(before);
  });

  it("answers every heartbeat while the models it reports are being deleted", async () => {
    const { id } = (await announce({ name: "gpu-1", ...hardware })).body;
    const names: string[] = [];
    const quants = "Q2_K Q2_K_S Q3_K_S Q3_K_M Q3_K_L Q4_0 Q4_1 Q4_K_S Q4_K_M Q5_0 Q5_1 Q5_K_S Q5_K_M Q6_K Q8_0 F16";
    for (const quant of quants.split(" ")) {
      const res = await register(`hostile/many-gguf:${quant}`);
      expect(res.status).toBe(201);
      names.push(res.body.name);
    }
    let tick = 0;
    const statuses: number[] = [];
    let deleting = true;
    // Progress moves every time, so every heartbeat writes its states while models go.
    const heartbeats = Array.from({ length: 6 }, async () => {
      while (deleting) {
        const models = names.map((name) => ({ name, state: "downloading", bytes_done: ++tick, bytes_total: 1e9 }));
        statuses.push((await sync(id, { models })).status);
      }
    });
    for (let at = 0; at < names.length; at += 4) {
      const deletions = names
        .slice(at, at + 4)
        .map((name) => callApi("DELETE", `/api/models/${name}`, { key: adminKey }));
      for (const res of await Promise.all(deletions)) expect(res.status).toBe(204);
    }
    deleting = false;
    await Promise.all(heartbeats);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it("keeps a node online when its heartbeat's body is refused whole: too large, too many entries, not JSON", async () => {
    const { id } = (await announce({ name: "gpu-1", ...hardware })).body;
    await sync(id, { models: [{ name: "hf/acme/tiny-safetensors", state: "ready", variant: "safetensors" }] });
    const huge = {
      models: [{ name: "hf/acme/tiny-safetensors", state: "ready", variant: "x".repeat(5 * 1024 * 1024) }],
    };
    const many = { models: Array.from({ length: 50_001 }, (_, i) => ({ name: `hf/a/m${i}`, state: "ready" })) };
    const put = (body: string) =>
      callJson("PUT", `/api/nodes/${id}/sync`, { key: nodeKey, body, headers: { "content-type": "application/json" } });
    for (const [body, status] of [
      [JSON.stringify(huge), 413],
      [JSON.stringify(many), 400],
      ["{not json", 400],
    ] as const) {
      const { db } = await getDb();
      await flushLiveness(); // heartbeats noted but not yet written would make it seen again
      await db.execute(sql`update nodes set last_seen_at = now() - interval '16 seconds' where id = ${id}`);
      const res = await put(body);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toContain("still counted for the node's liveness");
      const node = (await callJson("GET", "/api/nodes", { key: readerKey })).body.nodes[0];
      expect(node.online).toBe(true);
      // What the node reported before stands.
      expect(await v1("hf/acme/tiny-safetensors")).toMatchObject({ ready: true });
    }
  });

  it("shortens an over-long message instead of refusing the entry", async () => {
    const { id } = (await announce({ name: "gpu-1", ...hardware })).body;
    const offers = Array.from({ length: 60 }, (_, i) => `gguf:Q${i}_K (gguf)`).join(", ");
    const message = `no complete variant in a format this node loads (metal); offers: ${offers}`.repeat(3);
    const res = await sync(id, {
      models: [
        { name: "hf/acme/tiny-safetensors", state: "ready", variant: "safetensors" },
        { name: "hf/acme/tiny-llama-GGUF", state: "unsupported", error: { code: "unsupported", message } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.refused).toEqual([]);
    const node = (await callJson("GET", "/api/nodes", { key: readerKey })).body.nodes[0];
    const stored = node.models.find((m: { name: string }) => m.name === "hf/acme/tiny-llama-GGUF");
    expect(stored.state).toBe("unsupported");
    expect(stored.error.message.length).toBeLessThanOrEqual(2000);
    expect(stored.error.message.startsWith(message.slice(0, 100))).toBe(true);
  });

  it("a node that misses three heartbeats counts for nothing, with no write", async () => {
    const { db } = await getDb();
    await flushLiveness(); // heartbeats noted but not yet written would make it seen again
    await db.execute(sql`update nodes set last_seen_at = now() - interval '16 seconds' where lower(name) = 'gpu-1'`);
    // Time passing changes nothing the server writes: allow its 250 ms fingerprint to age.
    await new Promise((r) => setTimeout(r, 300));
    expect(await v1("hf/acme/tiny-safetensors")).toMatchObject({
      ready: false,
      sync: { state: "registered", nodes: 0 },
    });
    const node = (await callJson("GET", "/api/nodes", { key: readerKey })).body.nodes[0];
    expect(node.online).toBe(false);
    const { id } = node;
    await sync(id, { models: [{ name: "hf/acme/tiny-safetensors", state: "ready", variant: "safetensors" }] });
    expect((await v1("hf/acme/tiny-safetensors")).ready).toBe(true);
  });

  it("a deleted model disappears from the node's states", async () => {
    expect((await callApi("DELETE", "/api/models/hf/acme/tiny-safetensors", { key: adminKey })).status).toBe(204);
    const node = (await callJson("GET", "/api/nodes", { key: readerKey })).body.nodes[0];
    expect(node.models).toEqual([]);
    expect((await register("acme/tiny-safetensors")).status).toBe(201);
    expect((await v1("hf/acme/tiny-safetensors")).ready).toBe(false);
  });

  it("counts a state about another commit of the name as pending, not ready", async () => {
    const { id } = (await announce({ name: "gpu-1", ...hardware })).body;
    const name = "hf/acme/tiny-safetensors";
    const { commit } = await v1(name);
    const earlier = "0".repeat(40);
    const ready = { name, state: "ready", variant: "safetensors" };
    expect((await sync(id, { models: [{ ...ready, commit: earlier }] })).status).toBe(200);
    expect(await v1(name)).toMatchObject({ ready: false, sync: { state: "syncing", ready_nodes: 0, nodes: 1 } });
    const node = (await callJson("GET", "/api/nodes", { key: readerKey })).body.nodes[0];
    expect(node.models).toEqual([expect.objectContaining({ name, state: "pending", variant: null })]);

    for (const bad of [42, "main", "0".repeat(39)]) {
      const res = await sync(id, { models: [{ ...ready, commit: bad }] });
      expect(res.body.refused).toEqual([{ index: 0, name, reason: expect.stringContaining("commit") }]);
    }
    expect((await v1(name)).ready).toBe(false);
    expect((await sync(id, { models: [{ ...ready, commit: commit.toUpperCase() }] })).status).toBe(200);
    expect(await v1(name)).toMatchObject({ ready: true, sync: { state: "ready", ready_nodes: 1 } });
  });

  it("forgetting a node removes what it reported", async () => {
    const { id } = (await announce({ name: "gpu-1", ...hardware })).body;
    await sync(id, { models: [{ name: "hf/acme/tiny-safetensors", state: "ready", variant: "safetensors" }] });
    expect((await v1("hf/acme/tiny-safetensors")).ready).toBe(true);
    expect((await callApi("DELETE", `/api/nodes/${id}`, { key: nodeKey })).status).toBe(403);
    expect((await callApi("DELETE", `/api/nodes/${id}`, { key: adminKey })).status).toBe(204);
    expect((await callApi("DELETE", `/api/nodes/${id}`, { key: adminKey })).status).toBe(404);
    expect((await v1("hf/acme/tiny-safetensors")).ready).toBe(false);
    expect((await callJson("GET", "/api/nodes", { key: readerKey })).body.nodes).toEqual([]);
  });

  it("warns at registration when no node has the memory a model needs (its need known from config.json)", async () => {
    await announce({ name: "small-node", formats: ["gguf", "safetensors"], memory_bytes: 100_000, gpus: [] });
    const res = await register("acme/sharded-safetensors");
    expect(res.status).toBe(201);
    expect(res.body.warnings.join(" ")).toMatch(
      /It needs [\d.]+ [MG]B at 2k context; the largest node has 100\.0 KB of memory: no online node can hold it\./,
    );
    // The announcement the next tests expect.
    await announce({ name: "small-node", formats: ["gguf"], memory_bytes: 100_000, gpus: [] });
  });

  it("compares file sizes with node memory when the need is unknown (no readable header)", async () => {
    const res = await register("acme/unicode-gguf");
    expect(res.status).toBe(201);
    expect(res.body.model.variants[0].memory.need).toBeNull();
    expect(res.body.warnings.join(" ")).toContain("larger than the largest memory any node reports");
  });

  it("compares the smallest variant, not the sum of all of them, with node memory", async () => {
    await announce({ name: "mid-node", formats: ["gguf"], memory_bytes: 1_000_000, gpus: [] });
    const res = await register("acme/big-model-GGUF");
    expect(res.status).toBe(201);
    expect(res.body.model.size_bytes).toBeGreaterThan(1_000_000);
    expect(res.body.warnings.join(" ")).not.toContain("largest memory");
  });
});

describe("GET /api/nodes?model=NAME and ?summary=true", () => {
  const nodesAt = async (query: string, key: string | null = readerKey) =>
    callJson("GET", `/api/nodes${query}`, { key });
  const withoutModels = (nodes: { models: unknown[] }[]) => nodes.map((n) => ({ ...n, models: [] }));
  const byName = (nodes: NodeOverview[], name: string) => nodes.find((n) => n.name === name) as NodeOverview;
  let full: NodeOverview[];

  beforeAll(async () => {
    // Heard from just now, like the new nodes: none turns offline between two reads below.
    await announce({ name: "small-node", formats: ["gguf"], memory_bytes: 100_000, gpus: [] });
    await announce({ name: "mid-node", formats: ["gguf"], memory_bytes: 1_000_000, gpus: [] });
    const a = (await announce({ name: "scope-a", ...hardware })).body.id;
    const b = (await announce({ name: "scope-b", ...hardware }, otherNodeKey)).body.id;
    await sync(a, {
      models: [
        { name: "hf/acme/tiny-safetensors", state: "ready", variant: "safetensors" },
        { name: "hf/acme/tiny-llama-GGUF", state: "downloading", bytes_done: 100, bytes_total: 400 },
        { name: "hf/acme/sharded-safetensors", state: "error", error: { code: "disk_full", message: "full" } },
      ],
    });
    await sync(
      b,
      { models: [{ name: "hf/acme/tiny-llama-GGUF", state: "error", error: { code: "gated", message: "no token" } }] },
      otherNodeKey,
    );
    const res = await nodesAt("");
    expect(res.status).toBe(200);
    full = nodesOverviewSchema.parse(res.body).nodes;
  });

  it("by default lists every state, with per-state counts computed for each node", async () => {
    const registered = (await callJson("GET", "/api/models", { key: readerKey })).body.models.length;
    expect(full.map((n) => n.name)).toEqual(["mid-node", "scope-a", "scope-b", "small-node"]);
    expect(byName(full, "scope-a")).toMatchObject({
      models_ready: 1,
      models_downloading: 1,
      models_error: 1,
      models_registered: registered,
    });
    expect(byName(full, "scope-a").models.map((m) => m.name)).toEqual([
      "hf/acme/sharded-safetensors",
      "hf/acme/tiny-llama-GGUF",
      "hf/acme/tiny-safetensors",
    ]);
    expect(byName(full, "scope-b")).toMatchObject({ models_ready: 0, models_downloading: 0, models_error: 1 });
    expect(byName(full, "small-node")).toMatchObject({ models_ready: 0, models_downloading: 0, models_error: 0 });
    expect(byName(full, "small-node").models).toEqual([]);
  });

  it("?model= keeps only that model's entry on each node, with the same nodes and counts", async () => {
    const res = await nodesAt(`?model=${encodeURIComponent("hf/acme/tiny-llama-GGUF")}`);
    expect(res.status).toBe(200);
    const nodes = nodesOverviewSchema.parse(res.body).nodes;
    expect(withoutModels(nodes)).toEqual(withoutModels(full));
    const entryIn = (list: NodeOverview[], node: string) =>
      byName(list, node).models.filter((m) => m.name === "hf/acme/tiny-llama-GGUF");
    expect(byName(nodes, "scope-a").models).toEqual(entryIn(full, "scope-a"));
    expect(byName(nodes, "scope-a").models[0]).toMatchObject({ state: "downloading", bytes_done: 100 });
    expect(byName(nodes, "scope-b").models).toEqual(entryIn(full, "scope-b"));
    expect(byName(nodes, "scope-b").models[0]).toMatchObject({ state: "error", error: { code: "gated" } });
    expect(byName(nodes, "small-node").models).toEqual([]);

    // Raw slashes and any case name the same model; entries keep its registered spelling.
    const raw = await nodesAt("?model=HF/acme/TINY-llama-gguf");
    expect(raw.body).toEqual(res.body);
    // Registered, but no node has reported it: every list is empty, the counts stay.
    const unreported = await nodesAt("?model=hf%2Facme%2Fbig-model-GGUF");
    expect(unreported.status).toBe(200);
    expect(unreported.body.nodes).toEqual(withoutModels(full));
  });

  it("?summary=true lists no per-model states, only the counts", async () => {
    const res = await nodesAt("?summary=true");
    expect(res.status).toBe(200);
    expect(nodesOverviewSchema.parse(res.body).nodes).toEqual(withoutModels(full));
    // summary=false is the default listing.
    expect((await nodesAt("?summary=false")).body.nodes).toEqual(full);
  });

  it("an unregistered model is a 404 that changes nothing", async () => {
    const res = await nodesAt("?model=hf/acme/never-registered");
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({
      code: "model_not_found",
      message: "The model 'hf/acme/never-registered' is not registered.",
    });
    expect((await nodesAt("")).body.nodes).toEqual(full);
  });

  it("refuses both parameters together and bad values with 400", async () => {
    const both = await nodesAt("?model=hf/acme/tiny-safetensors&summary=true");
    expect(both.status).toBe(400);
    expect(both.body.error).toMatchObject({ code: "invalid_input", message: expect.stringContaining("not both") });
    expect((await nodesAt("?summary=false&model=hf/acme/tiny-safetensors")).status).toBe(400);
    for (const query of ["?model=", "?model=%20%20", `?model=${"x".repeat(1201)}`]) {
      const res = await nodesAt(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.message, query).toContain("model");
    }
    for (const query of ["?summary=yes", "?summary=", "?summary=TRUE"]) {
      const res = await nodesAt(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.message, query).toContain("summary must be true or false");
    }
    // Other parameters are ignored, as before.
    expect((await nodesAt("?verbose=1")).body.nodes).toEqual(full);
  });

  it("answers reader, node and admin keys, and nobody without one", async () => {
    for (const key of [readerKey, nodeKey, adminKey]) {
      expect((await nodesAt("?summary=true", key)).status).toBe(200);
      expect((await nodesAt("?model=hf/acme/tiny-safetensors", key)).status).toBe(200);
    }
    // The key is checked before the query: no key learns nothing about model names.
    for (const query of ["?summary=true", "?model=hf/acme/tiny-safetensors", "?model=hf/acme/never-registered"]) {
      const res = await nodesAt(query, null);
      expect(res.status, query).toBe(401);
      expect(res.body.error.code).toBe("unauthorized");
    }
  });
});

describe("long-polling GET /api/models?wait=N", () => {
  it("answers at once when the listing differs, holds until a change otherwise", async () => {
    const current = await callJson("GET", "/api/models", { key: nodeKey });
    const etag = current.headers.get("etag") ?? "";
    const stale = await callApi("GET", "/api/models?wait=10", { key: nodeKey, headers: { "if-none-match": '"r0"' } });
    expect(stale.status).toBe(200);

    const started = Date.now();
    const waiting = callApi("GET", "/api/models?wait=10", { key: nodeKey, headers: { "if-none-match": etag } });
    await new Promise((r) => setTimeout(r, 300));
    expect((await register("acme/tiny-onnx")).status).toBe(201);
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).not.toBe(etag);
    expect((await res.json()).models.map((m: { name: string }) => m.name)).toContain("hf/acme/tiny-onnx");
    expect(Date.now() - started).toBeLessThan(5_000);

    const newEtag = res.headers.get("etag") ?? "";
    const quiet = await callApi("GET", "/api/models?wait=1", { key: nodeKey, headers: { "if-none-match": newEtag } });
    expect(quiet.status).toBe(304);

    const bad = await callJson("GET", "/api/models?wait=soon", { key: nodeKey });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("wait");
    // Asking for more than 30 s still long-polls (shortened), it is not an error.
    const long = callApi("GET", "/api/models?wait=300", { key: nodeKey, headers: { "if-none-match": newEtag } });
    await new Promise((r) => setTimeout(r, 200));
    expect((await register("acme/tiny-metal")).status).toBe(201);
    expect((await long).status).toBe(200);
  });

  it("notices a change that was never notified within a few seconds", async () => {
    const { db } = await getDb();
    const etag = (await callApi("GET", "/api/models", { key: nodeKey })).headers.get("etag") ?? "";
    const waiting = callApi("GET", "/api/models?wait=20", { key: nodeKey, headers: { "if-none-match": etag } });
    await new Promise((r) => setTimeout(r, 200));
    // Another writer moved the registry without NOTIFY (a lost notification).
    await db.execute(sql`update registry_state set version = version + 1 where id = 1`);
    const started = Date.now();
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).not.toBe(etag);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("wakes on a deletion too", async () => {
    const etag = (await callApi("GET", "/api/models", { key: nodeKey })).headers.get("etag") ?? "";
    const waiting = callApi("GET", "/api/models?wait=10", { key: nodeKey, headers: { "if-none-match": etag } });
    await new Promise((r) => setTimeout(r, 200));
    expect((await callApi("DELETE", "/api/models/hf/acme/tiny-onnx", { key: adminKey })).status).toBe(204);
    expect((await waiting).status).toBe(200);
  });
});
