import "server-only";
import { createHash } from "node:crypto";
import { type CachedBody, cachedBodyBytes, createCachedBody } from "@/lib/api/cached-body";
import { getHfEndpointForDisplay } from "@/lib/hf/config";
import { getRecentFingerprint } from "./fingerprint-cache";
import { getRegisteredModel } from "./get-model";
import { toManifest } from "./serialize";

// A registered model's manifest changes only with its commits (a promotion, a rollback, a
// candidate staged or dropped), each of which moves the registry version: bytes are kept
// under the name asked for. An entry is trusted while the registry version it was read at is the
// current one (any registration or deletion moves it, on every instance within 250 ms, at
// once on this one); after that, one read of the row tells whether the bytes kept are still
// the manifest (same row, same Hub address), so a registration elsewhere costs each manifest
// one query, not a rebuild. Bounded by entries and by bytes held, least recently used
// first out. docs/caching.md.

const maxEntries = 20_000;
const maxBytes = 32 * 1024 * 1024;

type Entry = { version: number; source: string; body: CachedBody; bytes: number };
type ManifestCache = { entries: Map<string, Entry>; bytes: number };
const globalForManifests = globalThis as unknown as { __llmlbManifests?: ManifestCache };
globalForManifests.__llmlbManifests ??= { entries: new Map(), bytes: 0 };
const cache: ManifestCache = globalForManifests.__llmlbManifests;

/** `GET /api/models/registry/{name}/manifest.json`: the manifest's body, or `model_not_found`. */
export async function getManifestBody({ name }: { name: string }): Promise<CachedBody> {
  const { version } = await getRecentFingerprint();
  const hit = cache.entries.get(name);
  if (hit?.version === version) {
    touch(name, hit);
    return hit.body;
  }
  const model = await getRegisteredModel({ name });
  // What the bytes are made of: the row (its id changes with every registration), its
  // current and candidate commits, and the Hub address the download URLs are built on.
  const source = `${model.id}\n${model.commit}\n${model.candidate?.commit ?? ""}\n${getHfEndpointForDisplay()}`;
  const body =
    hit?.source === source
      ? hit.body
      : (() => {
          const json = JSON.stringify(toManifest(model));
          return createCachedBody(json, { tag: createHash("sha256").update(json).digest("base64url").slice(0, 27) });
        })();
  store(name, { version, source, body, bytes: 0 });
  return body;
}

/** Entries and bytes the manifest cache holds now. */
export function manifestCacheSize(): { entries: number; bytes: number } {
  return { entries: cache.entries.size, bytes: cache.bytes };
}

function touch(name: string, entry: Entry): void {
  // A Map iterates in insertion order: re-inserting makes it the most recently used.
  cache.entries.delete(name);
  cache.entries.set(name, entry);
}

function store(name: string, entry: Entry): void {
  const old = cache.entries.get(name);
  if (old) {
    cache.entries.delete(name);
    cache.bytes -= old.bytes;
  }
  entry.bytes = cachedBodyBytes(entry.body);
  cache.entries.set(name, entry);
  cache.bytes += entry.bytes;
  evict();
}

function evict(): void {
  for (const [name, entry] of cache.entries) {
    if (cache.entries.size <= maxEntries && cache.bytes <= maxBytes) return;
    cache.entries.delete(name);
    cache.bytes -= entry.bytes;
  }
}
