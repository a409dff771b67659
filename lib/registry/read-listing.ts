import "server-only";
import { getRecentFingerprint } from "./fingerprint-cache";
import { getRegistryListing, registryEtag } from "./list-models";
import { waitForListingChange } from "./wait-for-listing";

/**
 * `GET /api/models` with its conditional parts: while the client's `If-None-Match` is
 * current and it asked to wait, long-poll up to `waitSeconds` for a change; then the
 * listing, or `body: null` when the client's copy is still current (a 304).
 */
export async function readRegistryListing({
  ifNoneMatch,
  waitSeconds,
  signal,
}: {
  ifNoneMatch: string | null;
  waitSeconds: number;
  signal?: AbortSignal;
}): Promise<{ etag: string; body: Buffer | null }> {
  let fingerprint = await getRecentFingerprint();
  if (waitSeconds > 0 && ifNoneMatch && matchesEtag(ifNoneMatch, registryEtag(fingerprint))) {
    fingerprint = await waitForListingChange({ knownEtag: registryEtag(fingerprint), waitSeconds, signal });
  }
  const etag = registryEtag(fingerprint);
  if (matchesEtag(ifNoneMatch, etag)) return { etag, body: null };
  return { etag, body: (await getRegistryListing(fingerprint)).body };
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag === etag || tag === `W/${etag}`;
  });
}
