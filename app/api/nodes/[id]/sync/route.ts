// PUT /api/nodes/{id}/sync – heartbeat plus the node's per-model sync states
import { ApiError } from "@/lib/api/errors";
import { syncBodySchema } from "@/lib/api/node-schemas";
import { parseJsonBody } from "@/lib/api/parse-body";
import { jsonResponse } from "@/lib/api/respond";
import { uuidSchema } from "@/lib/api/schemas";
import { withApiKey } from "@/lib/auth/with-api-key";
import { syncNode } from "@/lib/nodes/sync-node";

type Ctx = { params: Promise<{ id: string }> };

export const dynamic = "force-dynamic";

export const PUT = withApiKey<Ctx>(
  async (req, { params }, principal) => {
    const { id } = await params;
    if (!uuidSchema.safeParse(id).success) {
      throw new ApiError("node_not_found", `No node with id ${id}: announce it again with POST /api/nodes.`);
    }
    const body = await parseJsonBody(req, syncBodySchema);
    return jsonResponse(await syncNode({ nodeId: id, body, principal }));
  },
  { scopes: ["node", "admin"] },
);
