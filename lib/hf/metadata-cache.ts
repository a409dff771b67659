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
// 200,000 files, and 2,000 of those would not fit in memory.
export const maxCachedSiblings = 250_000;

type Entry = { info: HubModelInfo; fetchedAt: number };
const globalForCache = globalThis as unknown as {
  __llmlbHubCache?: { entries: Map<string, Entry>; inFlight: Map<string, Promise<Entry>>; siblings: number };
};
globalForCache.__llmlbHubCache ??= { entries: new Map(), inFlight: new Map(), siblings: 0 };
const cache = globalForCache.__llmlbHubCache;
// A cache made by an earlier build of this module (a dev reload) has no count yet.
cache.siblings ??= 0;

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
        const entry = { info, fetchedAt: Date.now() };
        forget(key);
        cache.entries.set(key, entry);
        cache.siblings += info.siblings.length;
        // Oldest first; the newest answer stays even when it alone is over the bound.
        while (cache.entries.size > maxEntries || (cache.siblings > maxCachedSiblings && cache.entries.size > 1)) {
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
}

function toResult(entry: Entry, stale: boolean): CachedModelInfo {
  return { info: entry.info, stale, fetchedAt: new Date(entry.fetchedAt) };
}

/** Forget every cached answer (tests, and an operator forcing a refresh). */
export function clearModelInfoCache(): void {
  cache.entries.clear();
  cache.siblings = 0;
}

/** Age every entry past its freshness so the next call asks the Hub (tests). */
export function expireModelInfoCache(): void {
  for (const entry of cache.entries.values()) entry.fetchedAt -= freshForMs;
}
