// What a node's heartbeat does to the stored states: plain rules over plain values, so
// they read (and can be tested) apart from the transaction that applies them
// (lib/nodes/apply-node-sync.ts).
import type { NewNodeModelState, NodeModelState } from "@/lib/db/schema";
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

/** A registered model as the rules need it, and the name a node reported it by. */
export type KnownModel = { id: string; name: string; commit: string; reported: string };

export interface SyncWrites {
  /** States to insert or overwrite: only those whose state or progress moved. */
  upserts: NewNodeModelState[];
  /** Models the node reported before and no longer does: their states go. */
  gone: string[];
  /** A state (not mere progress) moved or went: cached listings must be rebuilt. */
  changed: boolean;
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
    // "unsupported" keeps its reason (which variants the model offers) for the console.
    errorCode: m.state === "error" ? (m.error?.code ?? "unknown") : m.state === "unsupported" ? "unsupported" : null,
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
 * ignored and the first entry wins when a model is named twice. With `removed` absent (a
 * full list) models the node reported before and no longer does are dropped; with
 * `removed` (a delta) only those. `stored` holds at least the states of every model the
 * heartbeat names. `changed` is true only when a state, its variant or its error code moved
 * (not on a progress tick).
 */
export function planSyncWrites({
  nodeId,
  reported,
  known,
  stored,
  removed,
}: {
  nodeId: string;
  reported: NodeStateInput[];
  known: KnownModel[];
  stored: NodeModelState[];
  /** Delta mode: the models the node dropped (as the database paired them with its names). */
  removed?: KnownModel[];
}): SyncWrites {
  const byName = new Map(known.map((m) => [m.reported, m]));
  const before = new Map(stored.map((s) => [s.modelId, s]));
  let changed = false;
  let digestChange = 0n;
  const upserts: NewNodeModelState[] = [];
  const seen = new Set<string>();
  for (const entry of reported) {
    const model = byName.get(entry.name);
    if (!model || seen.has(model.id)) continue;
    seen.add(model.id);
    // About an earlier registration of the same name: this one is not synced yet.
    const s = entry.commit && entry.commit.toLowerCase() !== model.commit.toLowerCase() ? pendingState(entry) : entry;
    const old = before.get(model.id);
    const sameState = old && old.state === s.state && old.variant === s.variant && old.errorCode === s.errorCode;
    if (!sameState) changed = true;
    const sameProgress =
      old && old.bytesDone === s.bytesDone && old.bytesTotal === s.bytesTotal && old.errorMessage === s.errorMessage;
    if (sameState && sameProgress && old.reportHash === s.reportHash) continue;
    digestChange ^= (old?.reportHash ?? 0n) ^ s.reportHash;
    upserts.push({
      nodeId,
      modelId: model.id,
      state: s.state,
      variant: s.variant,
      bytesDone: s.bytesDone,
      bytesTotal: s.bytesTotal,
      errorCode: s.errorCode,
      errorMessage: s.errorMessage,
      reportHash: s.reportHash,
    });
  }
  const leaving = removed
    ? removed.filter((m) => !seen.has(m.id) && before.has(m.id)).map((m) => m.id)
    : stored.filter((s) => !seen.has(s.modelId)).map((s) => s.modelId);
  const gone = [...new Set(leaving)];
  for (const id of gone) digestChange ^= before.get(id)?.reportHash ?? 0n;
  if (gone.length) changed = true;
  return { upserts, gone, changed, digestChange };
}
