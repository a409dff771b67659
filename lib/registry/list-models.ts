import "server-only";
import { listModelsForListing } from "@/lib/db/queries/models";
import type { RegistryFingerprint } from "@/lib/db/queries/registry-state";
import { metrics } from "@/lib/metrics/registry";
import { getSyncSummaries } from "@/lib/nodes/sync-summary";
import { getRecentFingerprint } from "./fingerprint-cache";
import { toModelSummary, toOpenAiModel } from "./serialize";

// Serialized listings are cached per process, as encoded bytes, and keyed by the
// registry fingerprint read from PostgreSQL (shared for at most 250 ms): a hit costs
// at most one small query, and every server instance sees a change made through any
// other almost at once.
type Cached = { key: string; body: Buffer };
type ListingCache = { api?: Cached; v1?: Cached; pending: Map<string, Promise<Cached>> };
const globalForListing = globalThis as unknown as { __llmlbListing?: ListingCache };
globalForListing.__llmlbListing ??= { pending: new Map() };
const cache: ListingCache = globalForListing.__llmlbListing;

export interface Listing {
  etag: string;
  body: Buffer;
}

/** `GET /api/models`: the registry itself; its ETag moves only on registration or deletion. */
export async function getRegistryListing(fingerprint?: RegistryFingerprint): Promise<Listing> {
  const fp = fingerprint ?? (await getRecentFingerprint());
  const key = `r${fp.version}`;
  const cached = await readThrough("api", key, async () => {
    const rows = await listModelsForListing();
    return JSON.stringify({ models: rows.map(toModelSummary) });
  });
  return { etag: registryEtag(fp), body: cached.body };
}

export function registryEtag(fp: RegistryFingerprint): string {
  return `"r${fp.version}"`;
}

/** `GET /v1/models`: rebuilt when the registry, a node's state or the set of online nodes changes. */
export async function getOpenAiListing(): Promise<Buffer> {
  const fp = await getRecentFingerprint();
  const key = `r${fp.version}.s${fp.syncVersion}.o${fp.onlineNodes}`;
  const cached = await readThrough("v1", key, async () => {
    const [rows, syncOf] = await Promise.all([listModelsForListing(), getSyncSummaries()]);
    return JSON.stringify({ object: "list", data: rows.map((m) => toOpenAiModel(m, syncOf(m.id))) });
  });
  return cached.body;
}

async function readThrough(slot: "api" | "v1", key: string, build: () => Promise<string>): Promise<Cached> {
  const hit = cache[slot];
  if (hit?.key === key) {
    metrics.listingCacheHits.inc({ listing: slot });
    return hit;
  }
  const pendingKey = `${slot}:${key}`;
  let pending = cache.pending.get(pendingKey);
  if (!pending) {
    metrics.listingCacheRebuilds.inc({ listing: slot });
    pending = build()
      .then((json) => {
        const entry = { key, body: Buffer.from(json) };
        cache[slot] = entry;
        return entry;
      })
      .finally(() => cache.pending.delete(pendingKey));
    cache.pending.set(pendingKey, pending);
  }
  return pending;
}
