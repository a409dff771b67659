// GET /v1/models – every registered model in OpenAI's list shape, with `ready` following the nodes
import { rawJsonResponse } from "@/lib/api/respond";
import { anyScope, withApiKey } from "@/lib/auth/with-api-key";
import { getOpenAiListing } from "@/lib/registry/list-models";

export const dynamic = "force-dynamic";

export const GET = withApiKey(async () => rawJsonResponse(await getOpenAiListing()), {
  scopes: anyScope,
  openai: true,
});
