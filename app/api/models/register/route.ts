// POST /api/models/register – validate a Hugging Face reference against the Hub and store its manifest
import { parseJsonBody } from "@/lib/api/parse-body";
import { jsonResponse } from "@/lib/api/respond";
import { registerBodySchema } from "@/lib/api/schemas";
import { actorOf } from "@/lib/auth/actor";
import { withApiKey } from "@/lib/auth/with-api-key";
import { registerModel } from "@/lib/registry/register-model";

export const dynamic = "force-dynamic";

export const POST = withApiKey(
  async (req, _ctx, principal) => {
    const body = await parseJsonBody(req, registerBodySchema);
    const result = await registerModel(body, await actorOf(principal));
    return jsonResponse(
      {
        name: result.name,
        status: "registered",
        model: result.model,
        fit: result.fit,
        warnings: result.warnings,
        stale: result.stale,
      },
      // Header values must be Latin-1: file names may not be, so encode each segment.
      { status: 201, headers: { location: `/api/models/${result.name.split("/").map(encodeURIComponent).join("/")}` } },
    );
  },
  { scopes: ["admin"] },
);
