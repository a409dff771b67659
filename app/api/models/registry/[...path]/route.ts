// GET /api/models/registry/{name}/manifest.json – the pinned manifest nodes sync from (never calls the Hub)
import { ApiError } from "@/lib/api/errors";
import { nameFromSegments } from "@/lib/api/model-name";
import { jsonResponse } from "@/lib/api/respond";
import { withApiKey } from "@/lib/auth/with-api-key";
import { getRegisteredModel } from "@/lib/registry/get-model";
import { toManifest } from "@/lib/registry/serialize";

type Ctx = { params: Promise<{ path: string[] }> };

export const dynamic = "force-dynamic";

export const GET = withApiKey<Ctx>(
  async (_req, { params }) => {
    const segments = [...(await params).path];
    const last = segments.pop() ?? "";
    if (!last.endsWith("manifest.json")) {
      throw new ApiError("not_found", "Manifests are at /api/models/registry/{name}/manifest.json.");
    }
    // "hf%2Facme%2Fx%2Fmanifest.json" arrives as one segment: keep what precedes the file name.
    const rest = last.replace(/(\/|%2F)?manifest\.json$/i, "");
    const name = nameFromSegments(rest ? [...segments, rest] : segments);
    const model = await getRegisteredModel({ name });
    return jsonResponse(toManifest(model), { headers: { etag: `"${model.commit}"` } });
  },
  { scopes: ["admin", "node", "reader"] },
);
