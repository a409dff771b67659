// PUT /api/nodes/{id}/sync – heartbeat plus the node's per-model sync states
import { ApiError } from "@/lib/api/errors";
import { MAX_SYNC_BODY_BYTES, syncEnvelopeSchema } from "@/lib/api/node-schemas";
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
    // A node reports every registered model each heartbeat (~150 bytes each), so this body
    // outgrows the general 64 KB limit past a few hundred models. It is read only once the
    // node is known to belong to the caller; a body refused still counts for liveness.
    const readBody = () => parseJsonBody(req, syncEnvelopeSchema, { maxBytes: MAX_SYNC_BODY_BYTES });
    return jsonResponse(await syncNode({ nodeId: id, readBody, principal }));
  },
  { scopes: ["node", "admin"] },
);
