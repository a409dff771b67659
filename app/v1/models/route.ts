// GET /v1/models – every registered model in OpenAI's list shape, with `ready` following the nodes
import { cachedJsonResponse } from "@/lib/api/cached-body";
import { anyScope, withApiKey } from "@/lib/auth/with-api-key";
import { getOpenAiListingBody } from "@/lib/registry/list-models";

export const dynamic = "force-dynamic";

export const GET = withApiKey(async (req) => cachedJsonResponse(req, await getOpenAiListingBody()), {
  scopes: anyScope,
  openai: true,
});
