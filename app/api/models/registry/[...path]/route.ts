// GET /api/models/registry/{name}/manifest.json – the pinned manifest nodes sync from (never calls the Hub; cached, strong ETag, 304)
import { cachedJsonResponse } from "@/lib/api/cached-body";
import { ApiError } from "@/lib/api/errors";
import { nameFromSegments } from "@/lib/api/model-name";
import { withApiKey } from "@/lib/auth/with-api-key";
import { getManifestBody } from "@/lib/registry/get-manifest";

type Ctx = { params: Promise<{ path: string[] }> };

export const dynamic = "force-dynamic";

export const GET = withApiKey<Ctx>(
  async (req, { params }) => {
    const segments = [...(await params).path];
    const last = segments.pop() ?? "";
    if (!last.endsWith("manifest.json")) {
      throw new ApiError("not_found", "Manifests are at /api/models/registry/{name}/manifest.json.");
    }
    // "hf%2Facme%2Fx%2Fmanifest.json" arrives as one segment: keep what precedes the file name.
    const rest = last.replace(/(\/|%2F)?manifest\.json$/i, "");
    const name = nameFromSegments(rest ? [...segments, rest] : segments);
    return cachedJsonResponse(req, await getManifestBody({ name }));
  },
  { scopes: ["admin", "node", "reader"] },
);
