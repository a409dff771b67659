// GET /api/models/{name} – one registration; DELETE /api/models/{name} – remove it everywhere at once
import { nameFromSegments } from "@/lib/api/model-name";
import { jsonResponse } from "@/lib/api/respond";
import { withApiKey } from "@/lib/auth/with-api-key";
import { deleteModel } from "@/lib/registry/delete-model";
import { getRegisteredModel } from "@/lib/registry/get-model";
import { toModelDetail } from "@/lib/registry/serialize";

type Ctx = { params: Promise<{ name: string[] }> };

export const dynamic = "force-dynamic";

export const GET = withApiKey<Ctx>(
  async (_req, { params }) => {
    const model = await getRegisteredModel({ name: nameFromSegments((await params).name) });
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
