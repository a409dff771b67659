// GET /api/models/sync – per model, online nodes by state, download bytes and the badge they make, read at once
import { jsonResponse } from "@/lib/api/respond";
import { modelSyncQuerySchema } from "@/lib/api/schemas";
import { anyScope, withApiKey } from "@/lib/auth/with-api-key";
import { getModelSyncStates } from "@/lib/nodes/sync-summary";

export const dynamic = "force-dynamic";

// Read live on every request (progress moves no listing version): the console polls it.
export const GET = withApiKey(
  async (req) => {
    const params = new URL(req.url).searchParams;
    const { model } = modelSyncQuerySchema.parse({ ...Object.fromEntries(params), model: params.getAll("model") });
    // One name is one model's page (404 once deleted); several are a page of the list.
    const query = model.length === 1 ? { model: model[0] } : model.length ? { names: model } : {};
    return jsonResponse({ models: await getModelSyncStates(query) });
  },
  { scopes: anyScope },
);
