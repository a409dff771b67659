// GET /api/models/sync (the console's per-model summary of the fleet) and GET /api/nodes/{id}.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { type ModelSync, modelSyncListSchema, nodeOverviewSchema } from "@/lib/api/model-schemas";
import { getDb } from "@/lib/db/client";
import { flushLiveness } from "@/lib/nodes/liveness";
import { getModelSyncStates } from "@/lib/nodes/sync-summary";
import { adminKey, startHubForFile } from "../helpers/env";
import { callJson } from "../helpers/routes";

const hub = startHubForFile();

const TINY = "hf/acme/tiny-safetensors";
const LLAMA = "hf/acme/tiny-llama-GGUF";
const ONNX = "hf/acme/tiny-onnx";
let nodeKey: string;
let readerKey: string;
const ids: Record<string, string> = {};

const syncAnswer = async (query = "", key = readerKey) => callJson("GET", `/api/models/sync${query}`, { key });
const byName = async (): Promise<Record<string, ModelSync>> => {
  const res = await syncAnswer();
  expect(res.status).toBe(200);
  return Object.fromEntries(modelSyncListSchema.parse(res.body).models.map((m) => [m.name, m]));
};
const report = (node: string, models: unknown[]) =>
  callJson("PUT", `/api/nodes/${ids[node]}/sync`, { key: nodeKey, json: { models } });

beforeAll(async () => {
  const mk = async (scope: string) =>
    (await callJson("POST", "/api/keys", { key: adminKey, json: { name: scope, scope } })).body.key as string;
  nodeKey = await mk("node");
  readerKey = await mk("reader");
  for (const repo of ["acme/tiny-safetensors", "acme/tiny-llama-GGUF", "acme/tiny-onnx"]) {
    expect((await callJson("POST", "/api/models/register", { key: adminKey, json: { repo } })).status).toBe(201);
  }
  for (const name of ["n1", "n2", "n3", "n4", "n5", "gone"]) {
    ids[name] = (await callJson("POST", "/api/nodes", { key: nodeKey, json: { name, formats: ["gguf"] } })).body.id;
  }
});

describe("GET /api/models/sync", () => {
  it("counts each model's states over online nodes, sums its download bytes, and badges it by the /v1 rule", async () => {
    expect((await report("n1", [{ name: LLAMA, state: "ready", variant: "gguf:Q4_K_M" }])).status).toBe(200);
    await report("n2", [
      { name: LLAMA, state: "downloading", bytes_done: 300, bytes_total: 1000 },
      { name: TINY, state: "downloading", bytes_done: 5, bytes_total: 50 },
    ]);
    await report("n3", [
      { name: LLAMA, state: "downloading", bytes_done: 200, bytes_total: 1000 },
      { name: TINY, state: "error", error: { code: "disk_full", message: "no space" } },
    ]);
    await report("n4", [
      { name: LLAMA, state: "unsupported", error: { code: "unsupported", message: "no fit" } },
      { name: TINY, state: "pending" },
    ]);
    // Downloading with no known total yet: counted, but not in the bar's bytes.
    await report("n5", [{ name: LLAMA, state: "downloading", bytes_done: 7 }]);
    // A node gone offline with a ready copy and a download counts for nothing.
    await report("gone", [
      { name: ONNX, state: "ready", variant: "onnx" },
      { name: LLAMA, state: "downloading", bytes_done: 900, bytes_total: 1000 },
    ]);
    const { db } = await getDb();
    await flushLiveness(); // heartbeats noted but not yet written would make it seen again
    await db.execute(sql`update nodes set last_seen_at = now() - interval '16 seconds' where id = ${ids.gone}`);

    const models = await byName();
    expect(Object.keys(models)).toEqual([LLAMA, TINY, ONNX].sort());
    expect(models[LLAMA]).toEqual({
      name: LLAMA,
      sync: { state: "ready", ready_nodes: 1, nodes: 5 },
      counts: { ready: 1, downloading: 3, pending: 0, error: 0, unsupported: 1 },
      bytes_done: 500,
      bytes_total: 2000,
      upstream: null,
    });
    expect(models[TINY]).toMatchObject({
      sync: { state: "syncing", ready_nodes: 0, nodes: 3 },
      counts: { ready: 0, downloading: 1, pending: 1, error: 1, unsupported: 0 },
      bytes_done: 5,
      bytes_total: 50,
    });
    // Only the offline node has it: registered, nothing counted.
    expect(models[ONNX]).toEqual({
      name: ONNX,
      sync: { state: "registered", ready_nodes: 0, nodes: 0 },
      counts: { ready: 0, downloading: 0, pending: 0, error: 0, unsupported: 0 },
      bytes_done: 0,
      bytes_total: 0,
      upstream: null,
    });
    // The badge is the one /v1/models shows for the same fleet.
    for (const name of [LLAMA, TINY, ONNX]) {
      const v1 = (await callJson("GET", `/v1/models/${name}`, { key: readerKey })).body;
      expect(models[name].sync).toEqual(v1.sync);
    }
  });

  it("carries the list's badge: update available, then staged, then none once promoted", async () => {
    const badge = async () => (await byName())[ONNX]?.upstream;
    expect(await badge()).toBeNull();
    hub().push("acme/tiny-onnx", { write: [{ path: "README.md", kind: "text", content: "# badge\n" }] });
    const post = (action: string, json?: unknown) =>
      callJson("POST", `/api/models/${ONNX}/${action}`, { key: adminKey, json });
    expect((await post("check")).status).toBe(200);
    expect(await badge()).toBe("update_available");
    expect((await post("update")).status).toBe(200);
    expect(await badge()).toBe("staged");
    expect((await post("promote", { force: true })).status).toBe(200);
    expect(await badge()).toBeNull();
  });

  it("shows download progress at once, though progress moves no listing version", async () => {
    await report("n2", [
      { name: LLAMA, state: "downloading", bytes_done: 800, bytes_total: 1000 },
      { name: TINY, state: "downloading", bytes_done: 5, bytes_total: 50 },
    ]);
    expect((await byName())[LLAMA]).toMatchObject({ bytes_done: 1000, bytes_total: 2000 });
  });

  it("answers one model with ?model=NAME, case-insensitively like every lookup", async () => {
    const res = await syncAnswer(`?model=${encodeURIComponent(TINY.toUpperCase())}`);
    expect(res.status).toBe(200);
    expect(res.body.models).toHaveLength(1);
    expect(res.body.models[0]).toMatchObject({ name: TINY, counts: { error: 1 } });
  });

  it("answers a page of the list when `model` repeats: the models named, leaving out those deleted", async () => {
    const names = [TINY, "hf/acme/deleted-meanwhile", ONNX];
    const res = await syncAnswer(`?${names.map((n) => `model=${encodeURIComponent(n)}`).join("&")}`);
    expect(res.status).toBe(200);
    expect(res.body.models.map((m: ModelSync) => m.name)).toEqual([ONNX, TINY]);
    expect(res.body.models[1].counts).toMatchObject({ error: 1, pending: 1 });
    expect(await getModelSyncStates({ names: [] })).toEqual([]);
    const tooMany = await syncAnswer(`?${Array.from({ length: 101 }, (_, i) => `model=hf/a/m${i}`).join("&")}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain("at most 100 models");
  });

  it("refuses bad input with a clear error and no answer", async () => {
    const unknown = await syncAnswer("?model=hf/acme/nope");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: "model_not_found" });
    expect(unknown.body.error.message).toContain("hf/acme/nope");
    const empty = await syncAnswer("?model=");
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain("model is empty");
    const stray = await syncAnswer("?models=x");
    expect(stray.status).toBe(400);
    expect(stray.body.error.message).toContain("the only query parameter is model");
  });

  it("needs a key or a session", async () => {
    const res = await syncAnswer("", null as unknown as string);
    expect(res.status).toBe(401);
    expect((await syncAnswer("", nodeKey)).status).toBe(200);
  });
});

describe("GET /api/nodes/{id}", () => {
  it("is one node with every model it reports, its hardware and its counts", async () => {
    const res = await callJson("GET", `/api/nodes/${ids.n3}`, { key: readerKey });
    expect(res.status).toBe(200);
    const node = nodeOverviewSchema.parse(res.body);
    expect(node).toMatchObject({ name: "n3", online: true, models_downloading: 1, models_error: 1, models_ready: 0 });
    expect(node.models.map((m) => [m.name, m.state])).toEqual([
      [LLAMA, "downloading"],
      [TINY, "error"],
    ]);
    expect(node.models[1].error).toEqual({ code: "disk_full", message: "no space" });
  });

  it("is 404 for an unknown or malformed id, and 401 without a key", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const res = await callJson("GET", `/api/nodes/${id}`, { key: readerKey });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("node_not_found");
    }
    expect((await callJson("GET", `/api/nodes/${ids.n1}`, { key: null })).status).toBe(401);
  });
});
