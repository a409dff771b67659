// The delta protocol of heartbeats (docs/sync-protocol.md), against the real route
// handlers and database: what the server stores and answers when heartbeats are lost,
// arrive out of order, come from another session, or disagree with it; and that agents
// of before the protocol, which send their full list every time, keep working.
import { beforeAll, describe, expect, it } from "vitest";
import { combineHashes, type DigestedEntry, formatDigest, hashEntry } from "@/lib/api/sync-digest";
import { withFullStateGate } from "@/lib/nodes/full-state-gate";
import { flushLiveness } from "@/lib/nodes/liveness";
import { adminKey, startHubForFile } from "../helpers/env";
import { callJson } from "../helpers/routes";

startHubForFile();

let nodeKey: string;
const TINY = "hf/acme/tiny-safetensors";
const LLAMA = "hf/acme/tiny-llama-GGUF";
const sync = (id: string, body: unknown) => callJson("PUT", `/api/nodes/${id}/sync`, { key: nodeKey, json: body });
const v1 = async (name: string) => (await callJson("GET", `/v1/models/${name}`, { key: adminKey })).body;
const statesOf = async (id: string) => {
  const nodes = (await callJson("GET", "/api/nodes", { key: adminKey })).body.nodes;
  const node = nodes.find((n: { id: string }) => n.id === id);
  return Object.fromEntries(node.models.map((m: { name: string; state: string }) => [m.name, m.state]));
};
const registryEtag = async () => (await callJson("GET", "/api/models", { key: adminKey })).headers.get("etag") ?? "";
const digestOf = (entries: DigestedEntry[]) => formatDigest(combineHashes(entries.map(hashEntry)));

let nodeCount = 0;
async function newNode(): Promise<string> {
  const res = await callJson("POST", "/api/nodes", {
    key: nodeKey,
    json: {
      name: `delta-${++nodeCount}`,
      runtimes: ["llama.cpp"],
      formats: ["gguf", "safetensors"],
      gpus: [],
      memory_bytes: 64e9,
      free_disk_bytes: 500e9,
      agent_version: "0.2.0",
    },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

beforeAll(async () => {
  nodeKey = (await callJson("POST", "/api/keys", { key: adminKey, json: { name: "n", scope: "node" } })).body.key;
  for (const repo of ["acme/tiny-safetensors", "acme/tiny-llama-GGUF"]) {
    expect((await callJson("POST", "/api/models/register", { key: adminKey, json: { repo } })).status).toBe(201);
  }
});

const ready = (name: string, variant = "safetensors") => ({ name, state: "ready", variant });
const downloading = (name: string, done: number) => ({
  name,
  state: "downloading",
  bytes_done: done,
  bytes_total: 400,
});

describe("heartbeats as deltas", () => {
  it("asks a session it does not know for the full state, takes it, then takes changes", async () => {
    const id = await newNode();
    const first = await sync(id, { protocol: 2, session: "session-a1", seq: 3, models: [ready(TINY)] });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ acked: 0, snapshot: true });
    expect(await statesOf(id)).toEqual({});

    const full = await sync(id, { protocol: 2, session: "session-a1", seq: 3, full: true, models: [ready(TINY)] });
    expect(full.body).toMatchObject({ acked: 3, snapshot: false });
    expect((await v1(TINY)).ready).toBe(true);

    const delta = await sync(id, { protocol: 2, session: "session-a1", seq: 4, models: [downloading(LLAMA, 10)] });
    expect(delta.body).toMatchObject({ acked: 4, snapshot: false });
    expect(await statesOf(id)).toEqual({ [TINY]: "ready", [LLAMA]: "downloading" });

    // Nothing new: the same number, nothing sent, nothing changes.
    const idle = await sync(id, { protocol: 2, session: "session-a1", seq: 4, models: [] });
    expect(idle.body).toMatchObject({ acked: 4, snapshot: false });
    expect(await statesOf(id)).toEqual({ [TINY]: "ready", [LLAMA]: "downloading" });

    const removed = await sync(id, { protocol: 2, session: "session-a1", seq: 5, models: [], removed: [TINY] });
    expect(removed.body).toMatchObject({ acked: 5 });
    expect(await statesOf(id)).toEqual({ [LLAMA]: "downloading" });
    expect((await v1(TINY)).ready).toBe(false);
  });

  it("loses nothing when a heartbeat or its answer is lost: the next one carries every change since the last ack", async () => {
    const id = await newNode();
    await sync(id, { protocol: 2, session: "session-b1", seq: 1, full: true, models: [downloading(TINY, 100)] });
    // seq 2 (TINY ready) never arrives; seq 3 carries it again with what changed since.
    const next = await sync(id, {
      protocol: 2,
      session: "session-b1",
      seq: 3,
      models: [ready(TINY), ready(LLAMA, "gguf:Q4_K_M")],
    });
    expect(next.body).toMatchObject({ acked: 3, snapshot: false });
    expect(await statesOf(id)).toEqual({ [TINY]: "ready", [LLAMA]: "ready" });
    // The answer to seq 3 was lost: the agent sends the same changes again as seq 4.
    const again = await sync(id, {
      protocol: 2,
      session: "session-b1",
      seq: 4,
      models: [ready(TINY), ready(LLAMA, "gguf:Q4_K_M")],
    });
    expect(again.body).toMatchObject({ acked: 4, snapshot: false });
    expect(await statesOf(id)).toEqual({ [TINY]: "ready", [LLAMA]: "ready" });
  });

  it("ignores a delta older than one it already took (reordered on the way), and says what it holds", async () => {
    const id = await newNode();
    await sync(id, { protocol: 2, session: "session-c1", seq: 1, full: true, models: [downloading(TINY, 100)] });
    const newer = await sync(id, { protocol: 2, session: "session-c1", seq: 3, models: [ready(TINY)] });
    expect(newer.body).toMatchObject({ acked: 3 });
    const older = await sync(id, { protocol: 2, session: "session-c1", seq: 2, models: [downloading(TINY, 300)] });
    expect(older.status).toBe(200);
    expect(older.body).toMatchObject({ acked: 3, snapshot: false });
    expect(await statesOf(id)).toEqual({ [TINY]: "ready" });
    expect((await v1(TINY)).ready).toBe(true);
  });

  it("a restarted agent (a new session) is asked for its full state, and its old session's deltas count for nothing", async () => {
    const id = await newNode();
    await sync(id, { protocol: 2, session: "session-d1", seq: 7, full: true, models: [ready(TINY)] });
    const restarted = await sync(id, { protocol: 2, session: "session-d2", seq: 1, models: [] });
    expect(restarted.body).toMatchObject({ snapshot: true });
    await sync(id, { protocol: 2, session: "session-d2", seq: 1, full: true, models: [ready(LLAMA, "gguf:Q8_0")] });
    expect(await statesOf(id)).toEqual({ [LLAMA]: "ready" });
    // A delta of the old session, late on the wire, changes nothing.
    const late = await sync(id, { protocol: 2, session: "session-d1", seq: 8, models: [ready(TINY)] });
    expect(late.body).toMatchObject({ snapshot: true });
    expect(await statesOf(id)).toEqual({ [LLAMA]: "ready" });
  });

  it("asks for the full state when the node's digest disagrees with the registry current, at most every few minutes", async () => {
    const id = await newNode();
    const held = [ready(TINY)];
    const etag = await registryEtag();
    await sync(id, { protocol: 2, session: "session-e1", seq: 1, full: true, models: held, digest: digestOf(held) });
    const agrees = await sync(id, {
      protocol: 2,
      session: "session-e1",
      seq: 1,
      models: [],
      digest: digestOf(held),
      registry_etag: etag,
    });
    expect(agrees.body).toMatchObject({ snapshot: false });
    // The node believes it also holds LLAMA ready, but that change never reached the server.
    const believed = digestOf([...held, ready(LLAMA, "gguf:Q8_0")]);
    const stale = await sync(id, { protocol: 2, session: "session-e1", seq: 2, models: [], digest: believed });
    expect(stale.body).toMatchObject({ snapshot: false }); // no registry ETag: it cannot be compared
    const disagrees = await sync(id, {
      protocol: 2,
      session: "session-e1",
      seq: 2,
      models: [],
      digest: believed,
      registry_etag: etag,
    });
    expect(disagrees.body).toMatchObject({ snapshot: true });
    const soonAfter = await sync(id, {
      protocol: 2,
      session: "session-e1",
      seq: 2,
      models: [],
      digest: believed,
      registry_etag: etag,
    });
    expect(soonAfter.body).toMatchObject({ snapshot: false });
  });

  it("keeps every node's digest true when a model is deleted under it", async () => {
    const extra = await callJson("POST", "/api/models/register", {
      key: adminKey,
      json: { repo: "acme/big-model-GGUF:Q2_K" },
    });
    expect(extra.status).toBe(201);
    const held = [ready(TINY), ready(extra.body.name, "gguf:Q8_0")];
    const id = await newNode();
    await sync(id, { protocol: 2, session: "session-f1", seq: 2, full: true, models: held, digest: digestOf(held) });
    expect((await callJson("DELETE", `/api/models/${extra.body.name}`, { key: adminKey })).status).toBe(204);
    // The node drops the deleted model and says so; its digest over what is left must agree.
    const left = [ready(TINY)];
    const answer = await sync(id, {
      protocol: 2,
      session: "session-f1",
      seq: 3,
      models: [],
      removed: [extra.body.name],
      digest: digestOf(left),
      registry_etag: await registryEtag(),
    });
    expect(answer.body).toMatchObject({ acked: 3, snapshot: false });
  });

  it("refuses a malformed delta field with 400 and changes nothing", async () => {
    const id = await newNode();
    await sync(id, { protocol: 2, session: "session-g1", seq: 1, full: true, models: [ready(TINY)] });
    for (const bad of [
      { protocol: 3, models: [] },
      { protocol: 2, session: "x", seq: 2, models: [] },
      { protocol: 2, session: "session-g1", seq: -1, models: [] },
      { protocol: 2, session: "session-g1", seq: 2, models: [], digest: "XYZ" },
      { protocol: 2, session: "session-g1", seq: 2, models: [], removed: "all" },
    ]) {
      const res = await sync(id, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await statesOf(id)).toEqual({ [TINY]: "ready" });
  });
});

describe("agents of before the protocol", () => {
  it("still send their full list every time: it replaces the stored set, and the answer has no delta fields", async () => {
    const id = await newNode();
    const first = await sync(id, { models: [ready(TINY), downloading(LLAMA, 5)] });
    expect(first.status).toBe(200);
    expect(first.body).not.toHaveProperty("acked");
    expect(first.body).not.toHaveProperty("snapshot");
    expect(await statesOf(id)).toEqual({ [TINY]: "ready", [LLAMA]: "downloading" });
    await sync(id, { models: [ready(TINY), downloading(LLAMA, 5)] });
    await sync(id, { models: [ready(LLAMA, "gguf:Q4_K_M")] });
    expect(await statesOf(id)).toEqual({ [LLAMA]: "ready" });
    await sync(id, { models: [] });
    expect(await statesOf(id)).toEqual({});
  });

  it("an agent that moves from full lists to deltas (an upgrade) starts with a full state", async () => {
    const id = await newNode();
    await sync(id, { models: [ready(TINY)] });
    const delta = await sync(id, { protocol: 2, session: "session-h1", seq: 1, models: [] });
    expect(delta.body).toMatchObject({ snapshot: true });
    await sync(id, { protocol: 2, session: "session-h1", seq: 1, full: true, models: [ready(LLAMA, "gguf:Q8_0")] });
    expect(await statesOf(id)).toEqual({ [LLAMA]: "ready" });
  });
});

describe("full states arriving all at once (a fleet starting)", () => {
  it("stores four large bodies at a time, queues sixteen, refuses more with server_busy while counting the heartbeat, and takes it again", async () => {
    const id = await newNode();
    const lastSeen = async () =>
      Date.parse(
        (await callJson("GET", "/api/nodes", { key: adminKey })).body.nodes.find((n: { id: string }) => n.id === id)
          .last_seen_at,
      );
    const announcedAt = await lastSeen();
    // Twenty full states already in: four being stored, sixteen waiting.
    let open = () => {};
    const gateOpen = new Promise<void>((resolve) => {
      open = resolve;
    });
    let inside = 0;
    let most = 0;
    const held = Array.from({ length: 20 }, () =>
      withFullStateGate(async () => {
        inside++;
        most = Math.max(most, inside);
        await gateOpen;
        inside--;
      }),
    );
    await new Promise((r) => setTimeout(r, 5));
    expect(inside).toBe(4);

    // A heartbeat that changes nothing never waits for a place.
    const other = await newNode();
    await sync(other, { protocol: 2, session: "session-busy2", seq: 1, full: true, models: [] });
    const idle = await sync(other, { protocol: 2, session: "session-busy2", seq: 1, models: [] });
    expect(idle.status).toBe(200);

    // A full state of a few hundred models (all but one unknown here): a body over 16 KB.
    const unknown = Array.from({ length: 300 }, (_, i) => ({ name: `hf/acme/not-registered-${i}`, state: "pending" }));
    const body = { protocol: 2, session: "session-busy1", seq: 1, full: true, models: [ready(TINY), ...unknown] };
    expect(JSON.stringify(body).length).toBeGreaterThan(16 * 1024);
    const refused = await sync(id, body);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(refused.body.error.code).toBe("server_busy");
    expect(await statesOf(id)).toEqual({});
    await flushLiveness();
    expect(await lastSeen()).toBeGreaterThan(announcedAt);

    open();
    await Promise.all(held);
    expect(most).toBe(4);
    const taken = await sync(id, body);
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ acked: 1, snapshot: false });
    expect(await statesOf(id)).toEqual({ [TINY]: "ready" });
  });
});
