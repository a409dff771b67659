import "server-only";
import type { CachedBody } from "@/lib/api/cached-body";
import { matchesEtag } from "@/lib/format/etag";
import { getRecentFingerprint } from "./fingerprint-cache";
import { getRegistryListing, registryEtag } from "./list-models";
import { waitForListingChange } from "./wait-for-listing";

/**
 * `GET /api/models` with its long-poll: while the client's `If-None-Match` is current and
 * it asked to wait, wait up to `waitSeconds` for a change; then the listing as it is (the
 * response answers 304 when the client's copy is still current).
 */
export async function readRegistryListing({
  ifNoneMatch,
  waitSeconds,
  signal,
}: {
  ifNoneMatch: string | null;
  waitSeconds: number;
  signal?: AbortSignal;
}): Promise<CachedBody> {
  let fingerprint = await getRecentFingerprint();
  if (waitSeconds > 0 && matchesEtag(ifNoneMatch, registryEtag(fingerprint))) {
    fingerprint = await waitForListingChange({ knownEtag: registryEtag(fingerprint), waitSeconds, signal });
  }
  return (await getRegistryListing(fingerprint)).body;
}
