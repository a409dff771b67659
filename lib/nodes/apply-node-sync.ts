import "server-only";
import { combineHashes } from "@/lib/api/sync-digest";
import { withTransaction } from "@/lib/db/client";
import { listModelsNamed } from "@/lib/db/queries/models";
import { deleteNodeStates, listStatesOfNode, lockStateWrites, upsertNodeStates } from "@/lib/db/queries/node-states";
import { lockNodeSync, setNodeSync } from "@/lib/db/queries/nodes";
import { bumpSyncVersion } from "@/lib/db/queries/registry-state";
import { type NodeStateInput, planSyncWrites } from "./sync-rules";

/** A full list replaces the stored set; a delta changes what it names, if it is the next one. */
export type SyncMode =
  | { kind: "full"; session: string | null; seq: number }
  | { kind: "delta"; session: string; seq: number; removed: string[] };

export type SyncOutcome =
  | { found: false }
  | {
      found: true;
      /** false: a delta of another session (a snapshot is needed), or one already superseded. */
      applied: boolean;
      sessionMatched: boolean;
      changed: boolean;
      /** The newest change of the session now stored, and the node's digest after this heartbeat. */
      seq: number;
      digest: bigint;
    };

/**
 * Record a heartbeat's states in one transaction, by the rules of lib/nodes/sync-rules.ts.
 * The models named are held first (FOR KEY SHARE), so a deletion meanwhile waits instead of
 * failing the writes; then the node's row is locked, so two heartbeats of one node (through
 * two server instances) apply one after the other. The sync version moves only
 * when a state (not progress) changed.
 */
export async function applyNodeSync({
  nodeId,
  states,
  mode,
}: {
  nodeId: string;
  states: NodeStateInput[];
  mode: SyncMode;
}): Promise<SyncOutcome> {
  return withTransaction(async (tx) => {
    // A deletion of a model waits for this transaction, or this one for it: never both at
    // once (a deletion changes the digests of the nodes that reported the model).
    await lockStateWrites({ tx, mode: "shared" });
    const removedNames = mode.kind === "delta" ? mode.removed : [];
    const known = await listModelsNamed({ tx, names: [...states.map((s) => s.name), ...removedNames] });
    const node = await lockNodeSync({ tx, id: nodeId });
    if (!node) return { found: false };
    const unchanged = {
      found: true as const,
      applied: false,
      changed: false,
      seq: node.syncSeq,
      digest: node.stateDigest,
    };
    if (mode.kind === "delta") {
      if (node.syncSession !== mode.session) return { ...unchanged, sessionMatched: false };
      if (mode.seq <= node.syncSeq) return { ...unchanged, sessionMatched: true };
    }
    const stored =
      mode.kind === "full"
        ? await listStatesOfNode({ tx, nodeId })
        : await listStatesOfNode({ tx, nodeId, modelIds: [...new Set(known.map((k) => k.id))] });
    const removedSet = new Set(removedNames);
    const writes = planSyncWrites({
      nodeId,
      reported: states,
      known,
      stored,
      removed: mode.kind === "delta" ? known.filter((k) => removedSet.has(k.reported)) : undefined,
    });
    await upsertNodeStates({ tx, rows: writes.upserts });
    await deleteNodeStates({ tx, nodeId, modelIds: writes.gone });
    if (writes.changed) await bumpSyncVersion({ tx });
    // A full list recomputes the digest from what is stored; a delta moves it by what changed.
    const before = mode.kind === "full" ? combineHashes(stored.map((s) => s.reportHash)) : node.stateDigest;
    const digest = before ^ writes.digestChange;
    await setNodeSync({ tx, id: nodeId, session: mode.session, seq: mode.seq, digest });
    return { found: true, applied: true, sessionMatched: true, changed: writes.changed, seq: mode.seq, digest };
  });
}
