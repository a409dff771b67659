// POST /api/nodes – a node announces itself; GET /api/nodes – nodes with online state, hardware and per-model sync
import { announceNodeSchema } from "@/lib/api/node-schemas";
import { parseJsonBody } from "@/lib/api/parse-body";
import { jsonResponse } from "@/lib/api/respond";
import { anyScope, withApiKey } from "@/lib/auth/with-api-key";
import { announceNode } from "@/lib/nodes/announce-node";
import { getNodesOverview } from "@/lib/nodes/list-nodes";

export const dynamic = "force-dynamic";

export const POST = withApiKey(
  async (req, _ctx, principal) => {
    const body = await parseJsonBody(req, announceNodeSchema);
    const { created, ...node } = await announceNode({ body, principal });
    return jsonResponse(node, { status: created ? 201 : 200 });
  },
  { scopes: ["node", "admin"] },
);

export const GET = withApiKey(async () => jsonResponse({ nodes: await getNodesOverview() }), { scopes: anyScope });
