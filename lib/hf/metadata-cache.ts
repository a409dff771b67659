import "server-only";
import { ApiError } from "@/lib/api/errors";
import { logger } from "@/lib/log/logger";
import { fetchModelInfo } from "./hub-client";
import type { HubModelInfo } from "./model-info";

export interface CachedModelInfo {
  info: HubModelInfo;
  /** True when the Hub failed and this is the last answer it gave. */
  stale: boolean;
  fetchedAt: Date;
}

const freshForMs = 5 * 60_000;
const maxEntries = 2_000;
// Bounded by what the answers hold too, not only by their number: one answer may list
// 200,000 files, and 2,000 of those would not fit in memory; another may hold 30 MB of
// file names in a few thousand entries.
export const maxCachedSiblings = 250_000;
export const maxCachedBytes = 64 * 1024 * 1024;

type Entry = { info: HubModelInfo; fetchedAt: number; bytes: number };
type Cache = { entries: Map<string, Entry>; inFlight: Map<string, Promise<Entry>>; siblings: number; bytes: number };
const globalForCache = globalThis as unknown as { __llmlbHubCache?: Cache };
globalForCache.__llmlbHubCache ??= { entries: new Map(), inFlight: new Map(), siblings: 0, bytes: 0 };
const cache = globalForCache.__llmlbHubCache;
// A cache made by an earlier build of this module (a dev reload) has no counts yet.
cache.siblings ??= 0;
cache.bytes ??= 0;

/**
 * Hub metadata through a 5-minute in-memory cache. When the Hub is down or
 * rate-limiting, the last answer is served marked stale; concurrent requests for the
 * same repo share one Hub call.
 */
export async function getModelInfo({ repo, revision }: { repo: string; revision: string }): Promise<CachedModelInfo> {
  const key = `${repo.toLowerCase()}@${revision}`;
  const cached = cache.entries.get(key);
  if (cached && Date.now() - cached.fetchedAt < freshForMs) return toResult(cached, false);

  try {
    return toResult(await fetchShared(key, repo, revision), false);
  } catch (error) {
    const outage = error instanceof ApiError && (error.code === "hf_unavailable" || error.code === "hf_rate_limited");
    if (outage && cached) {
      logger.warn({ event: "hf.stale", repo, revision, code: error.code }, "serving stale hub metadata");
      return toResult(cached, true);
    }
    throw error;
  }
}

function fetchShared(key: string, repo: string, revision: string): Promise<Entry> {
  let pending = cache.inFlight.get(key);
  if (!pending) {
    pending = fetchModelInfo({ repo, revision })
      .then((info) => {
        const entry = { info, fetchedAt: Date.now(), bytes: estimateBytes(info) };
        forget(key);
        cache.entries.set(key, entry);
        cache.siblings += info.siblings.length;
        cache.bytes += entry.bytes;
        // Oldest first; the newest answer stays even when it alone is over a bound.
        const overBound = () => cache.siblings > maxCachedSiblings || cache.bytes > maxCachedBytes;
        while (cache.entries.size > maxEntries || (overBound() && cache.entries.size > 1)) {
          forget(cache.entries.keys().next().value as string);
        }
        return entry;
      })
      .finally(() => cache.inFlight.delete(key));
    cache.inFlight.set(key, pending);
  }
  return pending;
}

function forget(key: string): void {
  const entry = cache.entries.get(key);
  if (!entry) return;
  cache.entries.delete(key);
  cache.siblings -= entry.info.siblings.length;
  cache.bytes -= entry.bytes;
}

/**
 * About how much memory an answer holds, counted from what is kept rather than from the
 * bytes read, since fields the server does not use are dropped: strings at two bytes a
 * character, plus a fixed cost per file entry (its object, size, hashes) and per tag.
 */
function estimateBytes(info: HubModelInfo): number {
  let bytes = 1024;
  for (const tag of info.tags) bytes += 2 * tag.length + 48;
  for (const sibling of info.siblings) bytes += 2 * sibling.rfilename.length + 256;
  return bytes;
}

function toResult(entry: Entry, stale: boolean): CachedModelInfo {
  return { info: entry.info, stale, fetchedAt: new Date(entry.fetchedAt) };
}

/** Forget every cached answer (tests, and an operator forcing a refresh). */
export function clearModelInfoCache(): void {
  cache.entries.clear();
  cache.siblings = 0;
  cache.bytes = 0;
}

/** Age every entry past its freshness so the next call asks the Hub (tests). */
export function expireModelInfoCache(): void {
  for (const entry of cache.entries.values()) entry.fetchedAt -= freshForMs;
}
