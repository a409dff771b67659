import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { NodeOverview } from "@/lib/api/model-schemas";
import { uuidSchema } from "@/lib/api/schemas";
import { countModels, getModelIdByName } from "@/lib/db/queries/models";
import { countNodeStates, listNodeStates } from "@/lib/db/queries/node-states";
import { listNodes } from "@/lib/db/queries/nodes";
import { nodeOfflineAfterSeconds } from "./constants";

/**
 * What `GET /api/nodes` lists in each node's `models`: every state (the default), one
 * model's (`model`), or none (`summary`). Pollers that need one model or only the
 * counts ask for less than the full fleet × models list.
 */
export type NodesView = { model?: string; summary?: boolean };

/**
 * Every node with online/offline (from last_seen_at), hardware, per-state model counts
 * (the same in every view) and per-model states as `view` asks; an unknown `model` is
 * `model_not_found`.
 */
export async function getNodesOverview(view: NodesView = {}): Promise<NodeOverview[]> {
  const modelId = view.model === undefined ? undefined : await resolveModelId(view.model);
  return readOverview({ modelId, summary: view.summary });
}

/** `GET /api/nodes/{id}`: one node as the overview shows it, with every model it reports; else `node_not_found`. */
export async function getNodeOverview({ id }: { id: string }): Promise<NodeOverview> {
  const [node] = uuidSchema.safeParse(id).success ? await readOverview({ nodeId: id }) : [];
  if (!node) throw new ApiError("node_not_found", `No node with id ${id}.`);
  return node;
}

async function readOverview({
  modelId,
  nodeId,
  summary,
}: {
  modelId?: string;
  nodeId?: string;
  summary?: boolean;
}): Promise<NodeOverview[]> {
  const [nodes, counts, registered, states] = await Promise.all([
    listNodes({ offlineAfterSeconds: nodeOfflineAfterSeconds, id: nodeId }),
    countNodeStates({ nodeId }),
    countModels(),
    summary ? [] : listNodeStates({ modelId, nodeId }),
  ]);
  const countsByNode = new Map(counts.map((c) => [c.nodeId, c]));
  const byNode = new Map<string, (typeof states)[number][]>();
  for (const s of states) {
    const list = byNode.get(s.nodeId);
    if (list) list.push(s);
    else byNode.set(s.nodeId, [s]);
  }
  return nodes.map((n) => {
    const count = countsByNode.get(n.id);
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
      models_ready: count?.ready ?? 0,
      models_downloading: count?.downloading ?? 0,
      models_error: count?.error ?? 0,
      models_registered: registered,
      models: (byNode.get(n.id) ?? []).map((s) => ({
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

async function resolveModelId(name: string): Promise<string> {
  const id = await getModelIdByName({ name });
  if (!id) throw new ApiError("model_not_found", `The model '${name}' is not registered.`);
  return id;
}
