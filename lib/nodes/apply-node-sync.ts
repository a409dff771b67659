import "server-only";
import { withTransaction } from "@/lib/db/client";
import { listModelsNamed } from "@/lib/db/queries/models";
import { deleteNodeStates, listStatesOfNode, upsertNodeStates } from "@/lib/db/queries/node-states";
import { touchNode } from "@/lib/db/queries/nodes";
import { bumpSyncVersion } from "@/lib/db/queries/registry-state";
import { type NodeStateInput, planSyncWrites } from "./sync-rules";

type SyncInput = { nodeId: string; freeDiskBytes: number | null | undefined; states: NodeStateInput[] };
type SyncOutcome = { found: boolean; changed: boolean };

/**
 * Record a heartbeat and the node's full snapshot of model states in one transaction,
 * by the rules of lib/nodes/sync-rules.ts; the sync version moves only when a state (not
 * progress) changed. `found` is false when the node is unknown. The models read here are
 * held (FOR KEY SHARE) until the end, so a deletion meanwhile waits instead of failing
 * the heartbeat's writes.
 */
export async function applyNodeSync({ nodeId, freeDiskBytes, states }: SyncInput): Promise<SyncOutcome> {
  return withTransaction(async (tx) => {
    if (!(await touchNode({ tx, nodeId, freeDiskBytes }))) return { found: false, changed: false };
    const known = await listModelsNamed({ tx, names: states.map((s) => s.name) });
    const stored = await listStatesOfNode({ tx, nodeId });
    const writes = planSyncWrites({ nodeId, reported: states, known, stored });
    await upsertNodeStates({ tx, rows: writes.upserts });
    await deleteNodeStates({ tx, nodeId, modelIds: writes.gone });
    if (writes.changed) await bumpSyncVersion({ tx });
    return { found: true, changed: writes.changed };
  });
}
