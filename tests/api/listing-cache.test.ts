// The listing and manifest caches (docs/caching.md), through the real route handlers and
// database: heartbeats that change nothing a reader sees leave the cached listing as it
// was, a node going offline or coming back shows at once, manifests carry a strong ETag and
// answer 304, and registrations and
// deletions show at once even with every cache warm.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { combineHashes, formatDigest, hashEntry } from "@/lib/api/sync-digest";
import { getDb } from "@/lib/db/client";
import { flushLiveness } from "@/lib/nodes/liveness";
import { listingCacheStats } from "@/lib/registry/list-models";
import { adminKey, startHubForFile } from "../helpers/env";
import { callApi, callJson } from "../helpers/routes";

startHubForFile();

const TINY = "hf/acme/tiny-safetensors";
const LLAMA = "hf/acme/tiny-llama-GGUF";
const MANIFEST = `/api/models/registry/${TINY}/manifest.json`;
let nodeKey: string;
let nodeId: string;
const readyTiny = { name: TINY, state: "ready", variant: "safetensors" };

// Past the 250 ms for which the server shares one read of the registry fingerprint, so
// the next request reads the database again: what is tested is the database's state.
const pastFingerprintShare = () => new Promise((r) => setTimeout(r, 300));
const raw = async (path: string, headers: Record<string, string> = {}) => {
  const res = await callApi("GET", path, { key: adminKey, headers });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
};
const readyOf = async (name: string) => {
  const { bytes } = await raw("/v1/models");
  return JSON.parse(bytes.toString()).data.find((m: { id: string }) => m.id === name);
};
const heartbeat = (body: unknown) => callJson("PUT", `/api/nodes/${nodeId}/sync`, { key: nodeKey, json: body });
const setLastSeen = async (secondsAgo: number) => {
  const { db } = await getDb();
  await db.execute(
    sql`update nodes set last_seen_at = now() - make_interval(secs => ${secondsAgo}) where id = ${nodeId}`,
  );
};

beforeAll(async () => {
  nodeKey = (await callJson("POST", "/api/keys", { key: adminKey, json: { name: "n", scope: "node" } })).body.key;
  for (const repo of ["acme/tiny-safetensors", "acme/tiny-llama-GGUF"]) {
    expect((await callJson("POST", "/api/models/register", { key: adminKey, json: { repo } })).status).toBe(201);
  }
  const announced = await callJson("POST", "/api/nodes", {
    key: nodeKey,
    json: { name: "cache-node", formats: ["gguf", "safetensors"], memory_bytes: 64e9, free_disk_bytes: 500e9 },
  });
  nodeId = announced.body.id;
  const full = await heartbeat({
    protocol: 2,
    session: "cache-session",
    seq: 1,
    full: true,
    models: [readyTiny],
    digest: formatDigest(combineHashes([hashEntry(readyTiny)])),
  });
  expect(full.body).toMatchObject({ acked: 1, snapshot: false });
});

describe("the listing cache and liveness", () => {
  it("keeps the cached /v1/models through heartbeats that change nothing, even as last_seen_at is written", async () => {
    const { bytes: before } = await raw("/v1/models");
    expect(JSON.parse(before.toString()).data.find((m: { id: string }) => m.id === TINY).ready).toBe(true);
    const stats = listingCacheStats();
    for (let i = 0; i < 3; i++) {
      const tick = await heartbeat({ protocol: 2, session: "cache-session", seq: 1, models: [] });
      expect(tick.body).toMatchObject({ acked: 1, snapshot: false });
      // The batched liveness write happens now rather than in 2 s: last_seen_at moves.
      await flushLiveness();
      await pastFingerprintShare();
      const { bytes } = await raw("/v1/models");
      expect(bytes.equals(before)).toBe(true);
    }
    // A heartbeat written through (its stored last_seen_at older than 9 s, still online).
    await setLastSeen(11);
    await heartbeat({ protocol: 2, session: "cache-session", seq: 1, models: [] });
    await pastFingerprintShare();
    expect((await raw("/v1/models")).bytes.equals(before)).toBe(true);

    const after = listingCacheStats();
    expect(after.rebuilds.v1).toBe(stats.rebuilds.v1);
    expect(after.hits.v1).toBe(stats.hits.v1 + 4);
  });

  it("shows a node going offline and coming back in ready at once", async () => {
    expect((await readyOf(TINY)).ready).toBe(true);
    const stats = listingCacheStats();
    // No heartbeat for 16 s: nothing is written, yet the node no longer counts.
    await setLastSeen(16);
    await pastFingerprintShare();
    expect(await readyOf(TINY)).toMatchObject({ ready: false, sync: { ready_nodes: 0, nodes: 0 } });
    expect(listingCacheStats().rebuilds.v1).toBe(stats.rebuilds.v1 + 1);

    // Its next heartbeat brings it back, visible in the very next request (no wait).
    await heartbeat({ protocol: 2, session: "cache-session", seq: 1, models: [] });
    expect(await readyOf(TINY)).toMatchObject({ ready: true, sync: { ready_nodes: 1, nodes: 1 } });
    expect(listingCacheStats().rebuilds.v1).toBe(stats.rebuilds.v1 + 2);
  });
});

describe("listing ETags", () => {
  it("gives /api/models the tag every heartbeat answers as registry_etag, and a 304 while it holds", async () => {
    const plain = await raw("/api/models");
    const etag = plain.res.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"r\d+"$/);
    const tick = await heartbeat({ protocol: 2, session: "cache-session", seq: 1, models: [] });
    expect(tick.body.registry_etag).toBe(etag);
    for (const held of [etag, `W/${etag}`]) {
      const cached = await raw("/api/models", { "if-none-match": held });
      expect(cached.res.status).toBe(304);
      expect(cached.bytes.length).toBe(0);
      expect(cached.res.headers.get("etag")).toBe(etag);
    }
  });
});

describe("manifests", () => {
  it("carry a strong ETag of their bytes and answer 304 to it", async () => {
    const first = await raw(MANIFEST);
    const etag = first.res.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
    expect((await raw(MANIFEST)).res.headers.get("etag")).toBe(etag);
    const other = await raw(`/api/models/registry/${LLAMA}/manifest.json`);
    expect(other.res.headers.get("etag")).not.toBe(etag);

    for (const held of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const cached = await raw(MANIFEST, { "if-none-match": held });
      expect(cached.res.status).toBe(304);
      expect(cached.bytes.length).toBe(0);
      expect(cached.res.headers.get("etag")).toBe(etag);
    }
    const stale = await raw(MANIFEST, { "if-none-match": '"not-this-one"' });
    expect(stale.res.status).toBe(200);
    expect(stale.bytes.equals(first.bytes)).toBe(true);
  });

  it("show a deletion and a new registration at once, with every cache warm", async () => {
    for (const path of [MANIFEST, "/v1/models", "/api/models"]) {
      await raw(path);
    }
    const listed = async () => ({
      v1: JSON.parse((await raw("/v1/models")).bytes.toString()).data.map((m: { id: string }) => m.id),
      api: JSON.parse((await raw("/api/models")).bytes.toString()).models.map((m: { name: string }) => m.name),
    });
    expect(await listed()).toEqual({ v1: [TINY, LLAMA], api: [TINY, LLAMA] });

    expect((await callApi("DELETE", `/api/models/${TINY}`, { key: adminKey })).status).toBe(204);
    expect(await listed()).toEqual({ v1: [LLAMA], api: [LLAMA] });
    expect((await raw(MANIFEST)).res.status).toBe(404);

    const again = await callJson("POST", "/api/models/register", {
      key: adminKey,
      json: { repo: "acme/tiny-safetensors" },
    });
    expect(again.status).toBe(201);
    expect(await listed()).toEqual({ v1: [LLAMA, TINY], api: [LLAMA, TINY] });
    const back = await raw(MANIFEST);
    expect(back.res.status).toBe(200);
    expect(JSON.parse(back.bytes.toString())).toMatchObject({ model: TINY, commit: again.body.model.commit });
  });
});
