// DELETE /api/keys/{id} – revoke a key; requests with it fail from now on
import { ApiError } from "@/lib/api/errors";
import { uuidSchema } from "@/lib/api/schemas";
import { actorOf } from "@/lib/auth/actor";
import { revokeApiKey } from "@/lib/auth/api-keys";
import { withApiKey } from "@/lib/auth/with-api-key";

type Ctx = { params: Promise<{ id: string }> };

export const dynamic = "force-dynamic";

export const DELETE = withApiKey<Ctx>(
  async (_req, { params }, principal) => {
    const { id } = await params;
    if (!uuidSchema.safeParse(id).success) throw new ApiError("key_not_found", `No API key with id ${id}.`);
    await revokeApiKey({ id, actor: await actorOf(principal) });
    return new Response(null, { status: 204 });
  },
  { scopes: ["admin"] },
);
