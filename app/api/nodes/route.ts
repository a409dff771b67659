// POST /api/nodes – a node announces itself; GET /api/nodes – nodes with online state, hardware and per-model sync
import { announceNodeSchema } from "@/lib/api/node-schemas";
import { parseJsonBody } from "@/lib/api/parse-body";
import { jsonResponse } from "@/lib/api/respond";
import { nodesQuerySchema } from "@/lib/api/schemas";
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

// ?model=NAME keeps only that model's entry on each node, ?summary=true none: pollers
// that need no more than that skip the full fleet × models list.
export const GET = withApiKey(
  async (req) => {
    const view = nodesQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    return jsonResponse({ nodes: await getNodesOverview(view) });
  },
  { scopes: anyScope },
);
