// GET /api/models/{name} – one registration; DELETE /api/models/{name} – remove it everywhere at once
import { ApiError } from "@/lib/api/errors";
import { nameFromSegments } from "@/lib/api/model-name";
import { jsonResponse } from "@/lib/api/respond";
import { withApiKey } from "@/lib/auth/with-api-key";
import { getModelByName } from "@/lib/db/queries/models";
import { deleteModel } from "@/lib/registry/delete-model";
import { toModelDetail } from "@/lib/registry/serialize";

type Ctx = { params: Promise<{ name: string[] }> };

export const dynamic = "force-dynamic";

export const GET = withApiKey<Ctx>(
  async (_req, { params }) => {
    const name = nameFromSegments((await params).name);
    const model = await getModelByName({ name });
    if (!model) throw new ApiError("model_not_found", `No model named ${name} is registered.`);
    return jsonResponse(toModelDetail(model));
  },
  { scopes: ["admin", "node", "reader"] },
);

export const DELETE = withApiKey<Ctx>(
  async (_req, { params }) => {
    await deleteModel({ name: nameFromSegments((await params).name) });
    return new Response(null, { status: 204 });
  },
  { scopes: ["admin"] },
);
