// Heartbeats across real server processes (`next start`): a restarted server takes the
// next delta of a session without asking for the full state again (session, number and
// digest live in the database, not in the process), and two instances on one PostgreSQL
// apply one node's deltas in order whichever instance each reaches, and agree on who is
// online although each keeps the heartbeats it received in memory for up to two seconds.
// The two-instance case runs on PostgreSQL whatever TEST_DB says: the embedded database
// serves one process only.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeHub, startFakeHub } from "../fake-hub";
import { waitUntil } from "../helpers/agent";
import { type RunningServer, startNextServer } from "../helpers/server";
import { createPostgresDatabase, testDbKind } from "../helpers/test-database";

const adminKey = "sync-instances-admin-key-0123456789";
const TINY = "hf/acme/tiny-safetensors";
const LLAMA = "hf/acme/tiny-llama-GGUF";
let hub: FakeHub;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  hub = await startFakeHub();
  cleanups.push(() => hub.close());
});

afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean();
});

async function start(dbEnv: Record<string, string | undefined>): Promise<RunningServer> {
  const server = await startNextServer({
    ...dbEnv,
    HF_ENDPOINT: hub.url,
    LLMLB_ADMIN_KEY: adminKey,
    HF_TOKEN: undefined,
  });
  cleanups.push(() => server.stop());
  return server;
}

async function call(server: RunningServer, p: string, init: { method?: string; json?: unknown; key?: string } = {}) {
  const res = await fetch(`${server.url}${p}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${init.key ?? adminKey}`, "content-type": "application/json" },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A node key, the two demo models registered, and one node announced. */
async function setUp(server: RunningServer): Promise<{ key: string; id: string }> {
  const key = (await call(server, "/api/keys", { method: "POST", json: { name: "nodes", scope: "node" } })).body.key;
  for (const repo of ["acme/tiny-safetensors", "acme/tiny-llama-GGUF"]) {
    expect((await call(server, "/api/models/register", { method: "POST", json: { repo } })).status).toBe(201);
  }
  const announced = await call(server, "/api/nodes", {
    method: "POST",
    key,
    json: {
      name: "gpu-1",
      runtimes: ["llama.cpp"],
      formats: ["gguf", "safetensors"],
      gpus: [],
      memory_bytes: 64e9,
      free_disk_bytes: 1e12,
      agent_version: "0.2.0",
    },
  });
  expect(announced.status).toBe(201);
  return { key, id: announced.body.id };
}

const ready = (name: string, variant: string) => ({ name, state: "ready", variant });
const heartbeat = (server: RunningServer, node: { key: string; id: string }, body: Record<string, unknown>) =>
  call(server, `/api/nodes/${node.id}/sync`, { method: "PUT", key: node.key, json: { protocol: 2, ...body } });
const modelReady = async (server: RunningServer, name: string) => (await call(server, `/v1/models/${name}`)).body.ready;
const statesSeenBy = async (server: RunningServer) => {
  const [node] = (await call(server, "/api/nodes")).body.nodes;
  return {
    online: node.online as boolean,
    states: Object.fromEntries(node.models.map((m: { name: string; state: string }) => [m.name, m.state])),
  };
};

describe("heartbeats across server processes", () => {
  it("a restarted server takes the session's next delta as it is: no full state asked", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-sync-restart-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let dbEnv: Record<string, string | undefined> = { DATABASE_URL: undefined, PGLITE_DIR: dir };
    if (testDbKind === "postgres") {
      const db = await createPostgresDatabase();
      cleanups.push(db.drop);
      dbEnv = { DATABASE_URL: db.url, PGLITE_DIR: undefined };
    }
    const first = await start(dbEnv);
    const node = await setUp(first);
    const session = "restart-session-1";
    const full = await heartbeat(first, node, { session, seq: 1, full: true, models: [ready(TINY, "safetensors")] });
    expect(full.body).toMatchObject({ acked: 1, snapshot: false });
    await first.stop();

    const second = await start(dbEnv);
    const delta = await heartbeat(second, node, { session, seq: 2, models: [ready(LLAMA, "gguf:Q4_K_M")] });
    expect(delta.body).toMatchObject({ acked: 2, snapshot: false });
    expect(await statesSeenBy(second)).toEqual({ online: true, states: { [TINY]: "ready", [LLAMA]: "ready" } });
    expect(await modelReady(second, TINY)).toBe(true);
  });

  it("two instances on one PostgreSQL apply one node's deltas in order and agree on who is online", async () => {
    const db = await createPostgresDatabase();
    cleanups.push(db.drop);
    const a = await start({ DATABASE_URL: db.url, PGLITE_DIR: undefined });
    const b = await start({ DATABASE_URL: db.url, PGLITE_DIR: undefined });
    const node = await setUp(a);
    const session = "two-instances-1";

    // The node was away: both instances see it offline.
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    cleanups.push(() => sql.end());
    await sql`update nodes set last_seen_at = now() - interval '60 seconds'`;
    expect((await statesSeenBy(a)).online).toBe(false);
    expect((await statesSeenBy(b)).online).toBe(false);

    // Its first heartbeat, to A, counts at once on B too.
    await heartbeat(a, node, { session, seq: 1, full: true, models: [ready(TINY, "safetensors")] });
    expect(await statesSeenBy(b)).toEqual({ online: true, states: { [TINY]: "ready" } });
    expect(await modelReady(b, TINY)).toBe(true);

    // Deltas alternate between the instances; one arrives late, after a newer one.
    expect(
      (await heartbeat(b, node, { session, seq: 2, models: [{ name: LLAMA, state: "downloading" }] })).body,
    ).toMatchObject({ acked: 2 });
    expect((await heartbeat(a, node, { session, seq: 4, models: [ready(LLAMA, "gguf:Q8_0")] })).body).toMatchObject({
      acked: 4,
    });
    const late = await heartbeat(b, node, {
      session,
      seq: 3,
      models: [{ name: LLAMA, state: "error", error: { code: "download_failed", message: "late" } }],
    });
    expect(late.body).toMatchObject({ acked: 4, snapshot: false });
    for (const server of [a, b]) {
      expect(await statesSeenBy(server)).toEqual({ online: true, states: { [TINY]: "ready", [LLAMA]: "ready" } });
      await waitUntil(() => modelReady(server, LLAMA), 5_000, "LLAMA ready on both instances");
    }

    // Twenty seconds (past the 15 s offline threshold) of heartbeats to A only, every
    // interval (5 s): B never sees the node offline, though A writes liveness in batches.
    const until = Date.now() + 20_000;
    let nextBeat = 0;
    while (Date.now() < until) {
      if (Date.now() >= nextBeat) {
        expect((await heartbeat(a, node, { session, seq: 4, models: [] })).status).toBe(200);
        nextBeat = Date.now() + 5_000;
      }
      expect((await statesSeenBy(b)).online).toBe(true);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  });
});
