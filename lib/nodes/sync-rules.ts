// What a node's heartbeat does to the stored states: plain rules over plain values, so
// they read (and can be tested) apart from the transaction that applies them
// (lib/nodes/apply-node-sync.ts).
import type { NewNodeCommitState, NewNodeModelState, NodeCommitState, NodeModelState } from "@/lib/db/schema";
import { invalidReportCode, type ReadSyncEntries } from "./read-sync-entries";

/** One model's state as it is to be stored, still named as the node named it. */
export type NodeStateInput = {
  name: string;
  commit: string | null;
  state: NodeModelState["state"];
  variant: string | null;
  bytesDone: number | null;
  bytesTotal: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** The hash of the entry as the node sent it (lib/api/sync-digest.ts); 0 for a refused one. */
  reportHash: bigint;
};

/**
 * A registered model as the rules need it, and the name a node reported it by: its current
 * commit, and the candidate and previous commits a node may report beside it.
 */
export type KnownModel = {
  id: string;
  name: string;
  commit: string;
  candidate: string | null;
  previous: string | null;
  reported: string;
};

export interface SyncWrites {
  /** States to insert or overwrite: only those whose state or progress moved. */
  upserts: NewNodeModelState[];
  /** Models the node reported before and no longer does: their states go. */
  gone: string[];
  /** States of other commits (a candidate, the previous one) to insert or overwrite. */
  commitUpserts: NewNodeCommitState[];
  /** Other commits the node reported before and no longer does. */
  commitsGone: { modelId: string; commit: string }[];
  /** A state (not mere progress) moved or went: cached listings must be rebuilt. */
  changed: boolean;
  /** Models whose candidate became ready on this node: a promotion may be due. */
  candidatesReady: string[];
  /** XOR of the report hashes that leave and enter the stored set: the node's digest moves by it. */
  digestChange: bigint;
}

/**
 * The states a heartbeat's checked entries stand for: the ones that passed as sent, and
 * each refused entry that names a model as an error on it, so the console shows why the
 * node's word was not taken.
 */
export function toStateInputs(entries: ReadSyncEntries): NodeStateInput[] {
  const states: NodeStateInput[] = entries.models.map((m) => ({
    name: m.name,
    commit: m.commit ?? null,
    state: m.state,
    variant: m.variant ?? null,
    bytesDone: m.bytes_done ?? null,
    bytesTotal: m.bytes_total ?? null,
    reportHash: m.reportHash,
    // "unsupported" keeps its reason for the console: `too_large` (no variant fits the node's
    // memory, docs/fit.md) or `unsupported` (no format it loads; any other code from an agent).
    errorCode:
      m.state === "error"
        ? (m.error?.code ?? "unknown")
        : m.state === "unsupported"
          ? m.error?.code === "too_large"
            ? "too_large"
            : "unsupported"
          : null,
    errorMessage: m.state === "error" || m.state === "unsupported" ? (m.error?.message ?? null) : null,
  }));
  for (const { name, reason } of entries.invalid) {
    states.push({
      name,
      commit: null,
      state: "error",
      variant: null,
      bytesDone: null,
      bytesTotal: null,
      errorCode: invalidReportCode,
      errorMessage: `The node's report on this model was refused: ${reason}`,
      reportHash: 0n,
    });
  }
  return states;
}

/** What a state about another commit of the name counts as: the registered one is not synced yet. */
function pendingState(s: NodeStateInput): NodeStateInput {
  return {
    ...s,
    state: "pending",
    variant: null,
    bytesDone: null,
    bytesTotal: null,
    errorCode: null,
    errorMessage: null,
  };
}

/**
 * The writes a heartbeat calls for. `reported` are its entries; names no model has are
 * ignored. An entry is about the current commit (or names none), about another commit the
 * node holds beside it (the candidate, the previous one, or one stored as such before: a
 * candidate cancelled meanwhile), or about a commit the registry no longer has, which
 * counts as the current one not synced yet (pending) unless the node reports (or reported)
 * the current commit, when it is kept apart as another commit. The first entry wins when one is named twice. With `removed` absent (a
 * full list) states the node reported before and no longer does are dropped; with `removed`
 * (a delta) only those it names. `stored` and `storedCommits` hold at least the states of
 * every model the heartbeat names. `changed` is true only when a current state, its variant
 * or its error code moved (not on a progress tick, nor for other commits).
 */
export function planSyncWrites({
  nodeId,
  reported,
  known,
  stored,
  storedCommits = [],
  removed,
  removedCommits = [],
}: {
  nodeId: string;
  reported: NodeStateInput[];
  known: KnownModel[];
  stored: NodeModelState[];
  storedCommits?: NodeCommitState[];
  /** Delta mode: the models the node dropped (as the database paired them with its names). */
  removed?: KnownModel[];
  /** Delta mode: other commits the node dropped. */
  removedCommits?: { model: KnownModel; commit: string }[];
}): SyncWrites {
  const byName = new Map(known.map((m) => [m.reported, m]));
  const before = new Map(stored.map((s) => [s.modelId, s]));
  const key = (modelId: string, commit: string) => `${modelId}\u0000${commit}`;
  const beforeCommits = new Map(storedCommits.map((s) => [key(s.modelId, s.commit), s]));
  const writes: SyncWrites = {
    upserts: [],
    gone: [],
    commitUpserts: [],
    commitsGone: [],
    changed: false,
    candidatesReady: [],
    digestChange: 0n,
  };
  const seen = new Set<string>();
  const seenCommits = new Set<string>();
  const stale: { entry: NodeStateInput; model: KnownModel }[] = [];
  for (const entry of reported) {
    const model = byName.get(entry.name);
    if (!model) continue;
    const commit = entry.commit?.toLowerCase() ?? null;
    if (!commit || commit === model.commit.toLowerCase()) {
      if (seen.has(model.id)) continue;
      seen.add(model.id);
      writeCurrent(writes, nodeId, model, entry, before.get(model.id));
      continue;
    }
    const k = key(model.id, commit);
    if (commit === model.candidate || commit === model.previous || beforeCommits.has(k)) {
      if (seenCommits.has(k)) continue;
      seenCommits.add(k);
      writeCommit(writes, nodeId, model, commit, entry, beforeCommits.get(k));
      continue;
    }
    stale.push({ entry, model });
  }
  for (const { entry, model } of stale) {
    const commit = entry.commit?.toLowerCase() ?? "";
    const k = key(model.id, commit);
    const current = before.get(model.id);
    if (seen.has(model.id) || (current && current.state !== "pending")) {
      // The node reports the current commit too (a candidate cancelled before this node's
      // first word on it): kept apart, so it never hides the current state.
      if (seenCommits.has(k)) continue;
      seenCommits.add(k);
      writeCommit(writes, nodeId, model, commit, entry, beforeCommits.get(k));
      continue;
    }
    // About an earlier registration of the same name: this one is not synced yet.
    seen.add(model.id);
    writeCurrent(writes, nodeId, model, pendingState(entry), before.get(model.id));
  }
  const leaving = removed
    ? removed.filter((m) => !seen.has(m.id) && before.has(m.id)).map((m) => m.id)
    : stored.filter((s) => !seen.has(s.modelId)).map((s) => s.modelId);
  writes.gone = [...new Set(leaving)];
  for (const id of writes.gone) writes.digestChange ^= before.get(id)?.reportHash ?? 0n;
  if (writes.gone.length) writes.changed = true;
  // A model removed by name takes every commit of it the node reported (an agent of before
  // staged rollout never sends removed_commits).
  const removedIds = new Set(removed?.filter((m) => !seen.has(m.id)).map((m) => m.id));
  const commitsLeaving = removed
    ? [
        ...removedCommits.map(({ model, commit }) => key(model.id, commit.toLowerCase())),
        ...[...beforeCommits].filter(([, row]) => removedIds.has(row.modelId)).map(([k]) => k),
      ].filter((k) => !seenCommits.has(k) && beforeCommits.has(k))
    : [...beforeCommits.keys()].filter((k) => !seenCommits.has(k));
  for (const k of new Set(commitsLeaving)) {
    const row = beforeCommits.get(k);
    if (!row) continue;
    writes.commitsGone.push({ modelId: row.modelId, commit: row.commit });
    writes.digestChange ^= row.reportHash;
  }
  return writes;
}

function writeCurrent(
  writes: SyncWrites,
  nodeId: string,
  model: KnownModel,
  s: NodeStateInput,
  old: NodeModelState | undefined,
): void {
  const sameState = old && old.state === s.state && old.variant === s.variant && old.errorCode === s.errorCode;
  if (!sameState) writes.changed = true;
  const sameProgress =
    old && old.bytesDone === s.bytesDone && old.bytesTotal === s.bytesTotal && old.errorMessage === s.errorMessage;
  if (sameState && sameProgress && old.reportHash === s.reportHash) return;
  writes.digestChange ^= (old?.reportHash ?? 0n) ^ s.reportHash;
  writes.upserts.push({ nodeId, modelId: model.id, ...stateColumns(s) });
}

function writeCommit(
  writes: SyncWrites,
  nodeId: string,
  model: KnownModel,
  commit: string,
  s: NodeStateInput,
  old: NodeCommitState | undefined,
): void {
  if (
    old &&
    old.state === s.state &&
    old.variant === s.variant &&
    old.errorCode === s.errorCode &&
    old.bytesDone === s.bytesDone &&
    old.bytesTotal === s.bytesTotal &&
    old.errorMessage === s.errorMessage &&
    old.reportHash === s.reportHash
  ) {
    return;
  }
  if (s.state === "ready" && old?.state !== "ready" && commit === model.candidate)
    writes.candidatesReady.push(model.id);
  writes.digestChange ^= (old?.reportHash ?? 0n) ^ s.reportHash;
  writes.commitUpserts.push({ nodeId, modelId: model.id, commit, ...stateColumns(s) });
}

function stateColumns(s: NodeStateInput) {
  return {
    state: s.state,
    variant: s.variant,
    bytesDone: s.bytesDone,
    bytesTotal: s.bytesTotal,
    errorCode: s.errorCode,
    errorMessage: s.errorMessage,
    reportHash: s.reportHash,
  };
}
