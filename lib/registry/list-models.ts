import "server-only";
import { type CachedBody, createCachedBody } from "@/lib/api/cached-body";
import { listModelsForListing, type ModelListingRow } from "@/lib/db/queries/models";
import type { RegistryFingerprint } from "@/lib/db/queries/registry-state";
import { logger } from "@/lib/log/logger";
import { metrics } from "@/lib/metrics/registry";
import { getSyncSummaries } from "@/lib/nodes/sync-summary";
import { getRecentFingerprint } from "./fingerprint-cache";
import { toModelSummary, toOpenAiModel } from "./serialize";

// Serialized listings are cached per process, as bytes, keyed by the registry fingerprint read from the database (shared for
// at most 250 ms): a hit costs no query of its own, and every server instance sees a
// change made through any other almost at once. The model rows are kept apart, keyed by
// the registry version alone, so a node going offline or coming back re-reads only the
// per-model node counts; and a rebuild whose bytes come out the same keeps the cached body.
// docs/caching.md.
type Cached = { key: string; body: CachedBody };
type Rows = { version: number; rows: ModelListingRow[] };
type ListingCache = {
  api?: Cached;
  v1?: Cached;
  rows?: Rows;
  pending: Map<string, Promise<unknown>>;
  stats: ListingCacheStats;
};

/** Counters of the listing cache since the process started (for `/metrics`). */
export interface ListingCacheStats {
  /** Requests answered from the cached body, by listing. */
  hits: { api: number; v1: number };
  /** Listings built again from the database because their key moved. */
  rebuilds: { api: number; v1: number };
  /** Rebuilds whose bytes came out as before (a node's coming or going that changed no count): the cached body was kept. */
  unchanged: { api: number; v1: number };
}

const globalForListing = globalThis as unknown as { __llmlbListing?: ListingCache };
globalForListing.__llmlbListing ??= {
  pending: new Map(),
  stats: { hits: { api: 0, v1: 0 }, rebuilds: { api: 0, v1: 0 }, unchanged: { api: 0, v1: 0 } },
};
const cache: ListingCache = globalForListing.__llmlbListing;

/** A copy of the listing cache's counters. */
export function listingCacheStats(): ListingCacheStats {
  const { hits, rebuilds, unchanged } = cache.stats;
  return { hits: { ...hits }, rebuilds: { ...rebuilds }, unchanged: { ...unchanged } };
}

export interface Listing {
  etag: string;
  body: CachedBody;
}

/** `GET /api/models`: the registry itself; its ETag moves only on registration or deletion. */
export async function getRegistryListing(fingerprint?: RegistryFingerprint): Promise<Listing> {
  const fp = fingerprint ?? (await getRecentFingerprint());
  const body = await readThrough("api", `r${fp.version}`, async () => {
    const rows = await readRows(fp.version);
    return createCachedBody(JSON.stringify({ models: rows.map(toModelSummary) }), { tag: registryTag(fp) });
  });
  return { etag: registryEtag(fp), body };
}

function registryTag(fp: RegistryFingerprint): string {
  return `r${fp.version}`;
}

export function registryEtag(fp: RegistryFingerprint): string {
  return `"${registryTag(fp)}"`;
}

/** `GET /v1/models`: rebuilt when the registry, a node's state or the set of online nodes changes. */
export async function getOpenAiListingBody(): Promise<CachedBody> {
  const fp = await getRecentFingerprint();
  const key = `r${fp.version}.s${fp.syncVersion}.o${fp.onlineNodes}`;
  return readThrough("v1", key, async () => {
    const [rows, syncOf] = await Promise.all([readRows(fp.version), getSyncSummaries()]);
    return createCachedBody(JSON.stringify({ object: "list", data: rows.map((m) => toOpenAiModel(m, syncOf(m.id))) }));
  });
}

/** The `GET /v1/models` JSON (the console's first render). */
export async function getOpenAiListing(): Promise<Buffer> {
  return (await getOpenAiListingBody()).bytes;
}

/** The model rows at registry version `version`, read once per version. */
async function readRows(version: number): Promise<ModelListingRow[]> {
  if (cache.rows?.version === version) return cache.rows.rows;
  return shared(`rows:${version}`, async () => {
    const rows = await listModelsForListing();
    cache.rows = { version, rows };
    return rows;
  });
}

async function readThrough(slot: "api" | "v1", key: string, build: () => Promise<CachedBody>): Promise<CachedBody> {
  const hit = cache[slot];
  if (hit?.key === key) {
    cache.stats.hits[slot]++;
    metrics.listingCacheHits.inc({ listing: slot });
    return hit.body;
  }
  return shared(`${slot}:${key}`, async () => {
    const started = performance.now();
    cache.stats.rebuilds[slot]++;
    metrics.listingCacheRebuilds.inc({ listing: slot });
    let body = await build();
    const earlier = cache[slot]?.body;
    const unchanged = earlier?.bytes.equals(body.bytes) === true && earlier.tag === body.tag;
    if (unchanged && earlier) {
      cache.stats.unchanged[slot]++;
      body = earlier;
    }
    cache[slot] = { key, body };
    const ms = Math.round(performance.now() - started);
    logger.debug({ event: "listing.rebuilt", listing: slot, key, unchanged, ms }, "listing rebuilt");
    return body;
  });
}

/** One build per key at a time: concurrent requests for a missing key share it. */
function shared<T>(key: string, run: () => Promise<T>): Promise<T> {
  let pending = cache.pending.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = run().finally(() => cache.pending.delete(key));
    cache.pending.set(key, pending);
  }
  return pending;
}
