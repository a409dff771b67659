// PUT /api/nodes/{id}/sync – heartbeat plus the node's per-model sync states
import { putNodeSync } from "@/lib/nodes/sync-http";

type Ctx = { params: Promise<{ id: string }> };

export const dynamic = "force-dynamic";

export async function PUT(req: Request, { params }: Ctx): Promise<Response> {
  return putNodeSync(req, { id: (await params).id });
}
