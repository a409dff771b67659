import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { ModelSync, SyncSummary } from "@/lib/api/model-schemas";
import { getModelIdByName } from "@/lib/db/queries/models";
import { countModelStates, getSyncCounts, type SyncCounts } from "@/lib/db/queries/node-states";
import { nodeOfflineAfterSeconds } from "./constants";

const none: SyncCounts = { readyNodes: 0, syncingNodes: 0, errorNodes: 0, nodes: 0 };

/**
 * A model is ready when at least one online node holds it; otherwise the best story the
 * other nodes tell. The one rule behind `sync` in /v1/models and in /api/models/sync.
 */
export function summarizeSync(counts: SyncCounts | undefined): SyncSummary {
  const c = counts ?? none;
  const state: SyncSummary["state"] =
    c.readyNodes > 0 ? "ready" : c.syncingNodes > 0 ? "syncing" : c.errorNodes > 0 ? "error" : "registered";
  return { state, ready_nodes: c.readyNodes, nodes: c.nodes };
}

/** Every model's sync summary (or only `modelId`'s), from what online nodes report; by model id. */
export async function getSyncSummaries({ modelId }: { modelId?: string } = {}): Promise<(id: string) => SyncSummary> {
  const counts = await getSyncCounts({ modelId, offlineAfterSeconds: nodeOfflineAfterSeconds });
  return (id) => summarizeSync(counts.get(id));
}

/**
 * `GET /api/models/sync`: every registered model (or only `model`, by name) with its
 * per-state node counts over online nodes, its download bytes, and the badge derived
 * from those same counts, all from one read so they never disagree. An unknown `model`
 * is `model_not_found`.
 */
export async function getModelSyncStates({
  model,
  names,
}: {
  model?: string;
  /** Only the models of these exact names (a page of the console's list); others are left out. */
  names?: string[];
} = {}): Promise<ModelSync[]> {
  let modelId: string | undefined;
  if (model !== undefined) {
    const id = await getModelIdByName({ name: model });
    if (!id) throw new ApiError("model_not_found", `The model '${model}' is not registered.`);
    modelId = id;
  }
  const rows = await countModelStates({ modelId, names, offlineAfterSeconds: nodeOfflineAfterSeconds });
  return rows.map((r) => ({
    name: r.name,
    sync: summarizeSync({
      readyNodes: r.ready,
      syncingNodes: r.pending + r.downloading,
      errorNodes: r.error,
      nodes: r.ready + r.pending + r.downloading + r.error + r.unsupported,
    }),
    counts: {
      ready: r.ready,
      downloading: r.downloading,
      pending: r.pending,
      error: r.error,
      unsupported: r.unsupported,
    },
    bytes_done: r.bytesDone,
    bytes_total: r.bytesTotal,
    upstream: r.notice,
  }));
}
