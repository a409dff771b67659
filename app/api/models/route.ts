// GET /api/models – the registry listing nodes poll, with ETag / If-None-Match and ?wait=N long-polling
import { ApiError } from "@/lib/api/errors";
import { rawJsonResponse } from "@/lib/api/respond";
import { anyScope, withApiKey } from "@/lib/auth/with-api-key";
import { getRecentFingerprint } from "@/lib/registry/fingerprint-cache";
import { getRegistryListing, registryEtag } from "@/lib/registry/list-models";
import { maxWaitSeconds, waitForListingChange } from "@/lib/registry/wait-for-listing";

export const dynamic = "force-dynamic";

export const GET = withApiKey(
  async (req) => {
    const wait = parseWait(new URL(req.url).searchParams.get("wait"));
    const ifNoneMatch = req.headers.get("if-none-match");
    let fingerprint = await getRecentFingerprint();
    if (wait > 0 && ifNoneMatch && matchesEtag(ifNoneMatch, registryEtag(fingerprint))) {
      fingerprint = await waitForListingChange({
        knownEtag: registryEtag(fingerprint),
        waitSeconds: wait,
        signal: req.signal,
      });
    }
    const etag = registryEtag(fingerprint);
    const headers = { etag, "cache-control": "no-cache" };
    if (matchesEtag(ifNoneMatch, etag)) return new Response(null, { status: 304, headers });
    const listing = await getRegistryListing(fingerprint);
    return rawJsonResponse(listing.body, { headers });
  },
  { scopes: anyScope },
);

// Longer waits are shortened to the maximum rather than refused, so a client that
// asks for more still long-polls instead of failing every request.
function parseWait(raw: string | null): number {
  if (raw === null || raw === "") return 0;
  const wait = Number(raw);
  if (!Number.isFinite(wait) || wait < 0) {
    throw new ApiError("invalid_input", `wait must be a number of seconds from 0 to ${maxWaitSeconds}.`);
  }
  return Math.min(wait, maxWaitSeconds);
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag === etag || tag === `W/${etag}`;
  });
}
