// GET /v1/models/{name} – one model in OpenAI's shape; 404 in OpenAI's error shape
import { nameFromSegments } from "@/lib/api/model-name";
import { jsonResponse } from "@/lib/api/respond";
import { anyScope, withApiKey } from "@/lib/auth/with-api-key";
import { getOpenAiModel } from "@/lib/registry/get-model";

type Ctx = { params: Promise<{ name: string[] }> };

export const dynamic = "force-dynamic";

export const GET = withApiKey<Ctx>(
  async (_req, { params }) => jsonResponse(await getOpenAiModel({ name: nameFromSegments((await params).name) })),
  { scopes: anyScope, openai: true },
);
