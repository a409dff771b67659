// POST /api/keys – create an API key (shown once); GET /api/keys – list keys, never their secrets
import { parseJsonBody } from "@/lib/api/parse-body";
import { jsonResponse } from "@/lib/api/respond";
import { createKeyBodySchema } from "@/lib/api/schemas";
import { actorOf } from "@/lib/auth/actor";
import { createApiKey, listApiKeys } from "@/lib/auth/api-keys";
import { toPublicKey } from "@/lib/auth/serialize-key";
import { withApiKey } from "@/lib/auth/with-api-key";

export const dynamic = "force-dynamic";

export const POST = withApiKey(
  async (req, _ctx, principal) => {
    const body = await parseJsonBody(req, createKeyBodySchema);
    const created = await createApiKey({ ...body, actor: await actorOf(principal) });
    return jsonResponse({ ...toPublicKey(created), key: created.key }, { status: 201 });
  },
  { scopes: ["admin"] },
);

export const GET = withApiKey(async () => jsonResponse({ keys: (await listApiKeys()).map(toPublicKey) }), {
  scopes: ["admin"],
});
