// GET /v1/models – every registered model in OpenAI's list shape, with `ready` following the nodes
import { encodedJsonResponse } from "@/lib/api/encoded-body";
import { anyScope, withApiKey } from "@/lib/auth/with-api-key";
import { getOpenAiListingBody } from "@/lib/registry/list-models";

export const dynamic = "force-dynamic";

export const GET = withApiKey(async (req) => encodedJsonResponse(req, await getOpenAiListingBody()), {
  scopes: anyScope,
  openai: true,
});
