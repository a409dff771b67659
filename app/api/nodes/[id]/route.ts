// DELETE /api/nodes/{id} – forget a node and its reported states
import { ApiError } from "@/lib/api/errors";
import { uuidSchema } from "@/lib/api/schemas";
import { withApiKey } from "@/lib/auth/with-api-key";
import { forgetNode } from "@/lib/nodes/forget-node";

type Ctx = { params: Promise<{ id: string }> };

export const dynamic = "force-dynamic";

export const DELETE = withApiKey<Ctx>(
  async (_req, { params }) => {
    const { id } = await params;
    if (!uuidSchema.safeParse(id).success) throw new ApiError("node_not_found", `No node with id ${id}.`);
    await forgetNode({ id });
    return new Response(null, { status: 204 });
  },
  { scopes: ["admin"] },
);
