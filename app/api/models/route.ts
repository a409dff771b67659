// GET /api/models – the registry listing nodes poll, with ETag / If-None-Match
import { rawJsonResponse } from "@/lib/api/respond";
import { withApiKey } from "@/lib/auth/with-api-key";
import { getRegistryFingerprint } from "@/lib/db/queries/models";
import { getRegistryListing, registryEtag } from "@/lib/registry/list-models";

export const dynamic = "force-dynamic";

export const GET = withApiKey(
  async (req) => {
    const fingerprint = await getRegistryFingerprint();
    const etag = registryEtag(fingerprint);
    const headers = { etag, "cache-control": "no-cache" };
    if (matchesEtag(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
    const listing = await getRegistryListing(fingerprint);
    return rawJsonResponse(listing.body, { headers });
  },
  { scopes: ["admin", "node", "reader"] },
);

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag === etag || tag === `W/${etag}`;
  });
}
