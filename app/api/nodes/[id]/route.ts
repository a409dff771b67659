// GET /api/nodes/{id} – one node with every model it reports; DELETE /api/nodes/{id} – forget it and its states
import { ApiError } from "@/lib/api/errors";
import { jsonResponse } from "@/lib/api/respond";
import { uuidSchema } from "@/lib/api/schemas";
import { actorOf } from "@/lib/auth/actor";
import { anyScope, withApiKey } from "@/lib/auth/with-api-key";
import { forgetNode } from "@/lib/nodes/forget-node";
import { getNodeOverview } from "@/lib/nodes/list-nodes";

type Ctx = { params: Promise<{ id: string }> };

export const dynamic = "force-dynamic";

export const GET = withApiKey<Ctx>(
  async (_req, { params }) => jsonResponse(await getNodeOverview({ id: (await params).id })),
  { scopes: anyScope },
);

export const DELETE = withApiKey<Ctx>(
  async (_req, { params }, principal) => {
    const { id } = await params;
    if (!uuidSchema.safeParse(id).success) throw new ApiError("node_not_found", `No node with id ${id}.`);
    await forgetNode({ id, actor: await actorOf(principal) });
    return new Response(null, { status: 204 });
  },
  { scopes: ["admin"] },
);
