import "server-only";
import { combineHashes } from "@/lib/api/sync-digest";
import { withTransaction } from "@/lib/db/client";
import { listModelsNamed } from "@/lib/db/queries/models";
import { deleteNodeStates, listStatesOfNode, lockStateWrites, upsertNodeStates } from "@/lib/db/queries/node-states";
import { lockNodeSync, setNodeSync } from "@/lib/db/queries/nodes";
import { bumpSyncVersion } from "@/lib/db/queries/registry-state";
import { deleteCommitStates, listCommitStatesOfNode, upsertCommitStates } from "@/lib/db/queries/rollout";
import { type NodeStateInput, planSyncWrites } from "./sync-rules";

/** A full list replaces the stored set; a delta changes what it names, if it is the next one. */
export type SyncMode =
  | { kind: "full"; session: string | null; seq: number }
  | {
      kind: "delta";
      session: string;
      seq: number;
      removed: string[];
      /** Other commits (a candidate, the previous one) the node dropped. */
      removedCommits?: { name: string; commit: string }[];
    };

export type SyncOutcome =
  | { found: false }
  | {
      found: true;
      /** false: a delta of another session (a snapshot is needed), or one already superseded. */
      applied: boolean;
      sessionMatched: boolean;
      changed: boolean;
      /** Models whose candidate became ready on this node. */
      candidatesReady: string[];
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
    const removedCommits = mode.kind === "delta" ? (mode.removedCommits ?? []) : [];
    const known = await listModelsNamed({
      tx,
      names: [...states.map((s) => s.name), ...removedNames, ...removedCommits.map((r) => r.name)],
    });
    const node = await lockNodeSync({ tx, id: nodeId });
    if (!node) return { found: false };
    const unchanged = {
      found: true as const,
      applied: false,
      changed: false,
      candidatesReady: [],
      seq: node.syncSeq,
      digest: node.stateDigest,
    };
    if (mode.kind === "delta") {
      if (node.syncSession !== mode.session) return { ...unchanged, sessionMatched: false };
      if (mode.seq <= node.syncSeq) return { ...unchanged, sessionMatched: true };
    }
    const modelIds = mode.kind === "full" ? undefined : [...new Set(known.map((k) => k.id))];
    const stored = await listStatesOfNode({ tx, nodeId, modelIds });
    const storedCommits = await listCommitStatesOfNode({ tx, nodeId, modelIds });
    const removedSet = new Set(removedNames);
    const byName = new Map(known.map((k) => [k.reported, k]));
    const writes = planSyncWrites({
      nodeId,
      reported: states,
      known,
      stored,
      storedCommits,
      removed: mode.kind === "delta" ? known.filter((k) => removedSet.has(k.reported)) : undefined,
      removedCommits: removedCommits.flatMap((r) => {
        const model = byName.get(r.name);
        return model ? [{ model, commit: r.commit }] : [];
      }),
    });
    await upsertNodeStates({ tx, rows: writes.upserts });
    await deleteNodeStates({ tx, nodeId, modelIds: writes.gone });
    await upsertCommitStates({ tx, rows: writes.commitUpserts });
    await deleteCommitStates({ tx, nodeId, keys: writes.commitsGone });
    if (writes.changed) await bumpSyncVersion({ tx });
    // A full list recomputes the digest from what is stored; a delta moves it by what changed.
    const before =
      mode.kind === "full" ? combineHashes([...stored, ...storedCommits].map((s) => s.reportHash)) : node.stateDigest;
    const digest = before ^ writes.digestChange;
    await setNodeSync({ tx, id: nodeId, session: mode.session, seq: mode.seq, digest });
    return {
      found: true,
      applied: true,
      sessionMatched: true,
      changed: writes.changed,
      candidatesReady: writes.candidatesReady,
      seq: mode.seq,
      digest,
    };
  });
}
