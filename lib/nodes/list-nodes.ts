import "server-only";
import { ApiError } from "@/lib/api/errors";
import { countModels } from "@/lib/db/queries/models";
import { deleteNodeById, listNodeStates, listNodes } from "@/lib/db/queries/nodes";
import { logger } from "@/lib/log/logger";
import { invalidateFingerprint } from "@/lib/registry/fingerprint-cache";

/** Every node with online/offline (from last_seen_at), hardware and per-model states. */
export async function getNodesOverview() {
  const [nodes, states, registered] = await Promise.all([listNodes(), listNodeStates(), countModels()]);
  const byNode = new Map<string, typeof states>();
  for (const s of states) {
    const list = byNode.get(s.nodeId);
    if (list) list.push(s);
    else byNode.set(s.nodeId, [s]);
  }
  return nodes.map((n) => {
    const own = byNode.get(n.id) ?? [];
    return {
      id: n.id,
      name: n.name,
      online: n.online,
      last_seen_at: n.lastSeenAt.toISOString(),
      runtimes: n.runtimes,
      formats: n.formats,
      gpus: n.gpus,
      memory_bytes: n.memoryBytes,
      free_disk_bytes: n.freeDiskBytes,
      agent_version: n.agentVersion,
      created_at: n.createdAt.toISOString(),
      models_ready: own.filter((s) => s.state === "ready").length,
      models_registered: registered,
      models: own.map((s) => ({
        name: s.model,
        state: s.state,
        variant: s.variant,
        bytes_done: s.bytesDone,
        bytes_total: s.bytesTotal,
        error: s.errorCode ? { code: s.errorCode, message: s.errorMessage ?? "" } : null,
        updated_at: s.updatedAt.toISOString(),
      })),
    };
  });
}

export async function forgetNode({ id }: { id: string }): Promise<void> {
  if (!(await deleteNodeById({ id }))) throw new ApiError("node_not_found", `No node with id ${id}.`);
  invalidateFingerprint();
  logger.info({ event: "node.deleted", id }, "node forgotten");
}
