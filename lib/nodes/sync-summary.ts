import "server-only";
import type { SyncSummary } from "@/lib/api/model-schemas";
import { getSyncCounts, type SyncCounts } from "@/lib/db/queries/node-states";
import { nodeOfflineAfterSeconds } from "./constants";

const none: SyncCounts = { readyNodes: 0, syncingNodes: 0, errorNodes: 0, nodes: 0 };

/** A model is ready when at least one online node holds it; otherwise the best story the other nodes tell. */
function summarizeSync(counts: SyncCounts | undefined): SyncSummary {
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
