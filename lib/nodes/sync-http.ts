import "server-only";
import { ApiError } from "@/lib/api/errors";
import { MAX_SYNC_BODY_BYTES, syncEnvelopeSchema } from "@/lib/api/node-schemas";
import { parseJsonBody } from "@/lib/api/parse-body";
import { jsonResponse } from "@/lib/api/respond";
import { uuidSchema } from "@/lib/api/schemas";
import { withApiKey } from "@/lib/auth/with-api-key";
import { syncNode } from "./sync-node";

/**
 * `PUT /api/nodes/{id}/sync` as a Request → Response function: the route handler calls it,
 * and so does the fast path in front of Next's router (lib/api/fast-path.ts), so the two
 * cannot answer differently.
 */
export const putNodeSync = withApiKey<{ id: string }>(
  async (req, { id }, principal) => {
    if (!uuidSchema.safeParse(id).success) {
      throw new ApiError("node_not_found", `No node with id ${id}: announce it again with POST /api/nodes.`);
    }
    // A node reports every registered model each heartbeat (~150 bytes each), so this body
    // outgrows the general 64 KB limit past a few hundred models. It is read only once the
    // node is known to belong to the caller; a body refused still counts for liveness.
    const readBody = () => parseJsonBody(req, syncEnvelopeSchema, { maxBytes: MAX_SYNC_BODY_BYTES });
    const length = req.headers.get("content-length");
    const bodyBytes = length !== null && /^\d+$/.test(length) ? Number(length) : null;
    return jsonResponse(await syncNode({ nodeId: id, readBody, bodyBytes, principal }));
  },
  { scopes: ["node", "admin"] },
);
