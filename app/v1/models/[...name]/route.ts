// GET /v1/models/{name} – one model in OpenAI's shape; 404 in OpenAI's error shape
import { ApiError } from "@/lib/api/errors";
import { nameFromSegments } from "@/lib/api/model-name";
import { jsonResponse } from "@/lib/api/respond";
import { anyScope, withApiKey } from "@/lib/auth/with-api-key";
import { getModelByName } from "@/lib/db/queries/models";
import { getSyncCounts } from "@/lib/db/queries/node-states";
import { summarizeSync } from "@/lib/nodes/sync-summary";
import { toOpenAiModel } from "@/lib/registry/serialize";

type Ctx = { params: Promise<{ name: string[] }> };

export const dynamic = "force-dynamic";

export const GET = withApiKey<Ctx>(
  async (_req, { params }) => {
    const name = nameFromSegments((await params).name);
    const model = await getModelByName({ name });
    if (!model) throw new ApiError("model_not_found", `The model '${name}' does not exist.`);
    const counts = await getSyncCounts({ modelId: model.id });
    return jsonResponse(toOpenAiModel(model, summarizeSync(counts.get(model.id))));
  },
  { scopes: anyScope, openai: true },
);
