// GET /api/models/sync – per model, online nodes by state, download bytes and the badge they make, read at once
import { jsonResponse } from "@/lib/api/respond";
import { modelSyncQuerySchema } from "@/lib/api/schemas";
import { anyScope, withApiKey } from "@/lib/auth/with-api-key";
import { getModelSyncStates } from "@/lib/nodes/sync-summary";

export const dynamic = "force-dynamic";

// Read live on every request (progress moves no listing version): the console polls it.
export const GET = withApiKey(
  async (req) => {
    const query = modelSyncQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    return jsonResponse({ models: await getModelSyncStates(query) });
  },
  { scopes: anyScope },
);
