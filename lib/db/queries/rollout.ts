import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { type Db, getDb, rowsOf, withTransaction } from "../client";
import { summarizeMemory } from "../manifest-types";
import { type Model, models, type NewNodeCommitState, type NodeCommitState, nodeCommitStates } from "../schema";
import type { CandidateCommit, PreviousCommit } from "../upstream-types";
import { lockStateWrites } from "./node-states";
import { bumpRegistryVersion, bumpSyncVersion } from "./registry-state";
import { type HistoryEntry, insertHistory } from "./upstream";

// Staged updates (docs/upstream.md): a model's candidate commit, the previous one kept for a
// rollback, and what nodes report of each (node_commit_states). A promotion or rollback
// swaps the current commit in one transaction, states included, so `ready` never counts a
// commit that is not the one served.

export type Changed = { model: Model; version: number };

async function lockModel(tx: Db, id: string): Promise<Model | null> {
  const [row] = await tx.select().from(models).where(eq(models.id, id)).for("update");
  return row ?? null;
}

/**
 * Give the model a candidate (or replace the one staged), with its history entry, while its
 * current commit is still `expectCommit`. Null when the model was deleted or re-pinned meanwhile.
 */
export async function storeCandidate({
  id,
  expectCommit,
  candidate,
  entry,
}: {
  id: string;
  expectCommit: string;
  candidate: CandidateCommit;
  entry: HistoryEntry;
}): Promise<Changed | null> {
  return withTransaction(async (tx) => {
    const before = await lockModel(tx, id);
    if (!before || before.commit !== expectCommit) return null;
    const [row] = await tx.update(models).set({ candidate }).where(eq(models.id, id)).returning();
    await insertHistory({ tx, modelId: id, entry });
    return { model: row, version: await bumpRegistryVersion({ tx }) };
  });
}

/** Drop the candidate (nodes drop its files), with its history entry. Null when there is none. */
export async function dropCandidate({
  id,
  expectCandidate,
  entry,
}: {
  id: string;
  expectCandidate: string;
  entry: HistoryEntry;
}): Promise<Changed | null> {
  return withTransaction(async (tx) => {
    const before = await lockModel(tx, id);
    if (!before?.candidate || before.candidate.commit !== expectCandidate) return null;
    const [row] = await tx.update(models).set({ candidate: null }).where(eq(models.id, id)).returning();
    await insertHistory({ tx, modelId: id, entry });
    return { model: row, version: await bumpRegistryVersion({ tx }) };
  });
}

/**
 * Make `to` (the candidate's or the previous commit's manifest) current, in one transaction:
 * the current commit becomes the previous one (kept until `keepUntil`), what nodes reported
 * of `to` becomes their current state and what they reported of the outgoing commit is kept
 * under it. `from` must still be current and `to` still where the caller found it.
 */
export async function swapCurrent({
  id,
  from,
  to,
  source,
  keepUntil,
  entry,
}: {
  id: string;
  from: string;
  to: string;
  source: "candidate" | "previous";
  keepUntil: Date;
  entry: HistoryEntry;
}): Promise<Changed | null> {
  return withTransaction(async (tx) => {
    // Heartbeats write no state meanwhile: the swap and a heartbeat never interleave.
    await lockStateWrites({ tx, mode: "exclusive" });
    const before = await lockModel(tx, id);
    const target = before?.[source];
    if (!before || before.commit !== from || target?.commit !== to) return null;
    const previous: PreviousCommit = {
      commit: before.commit,
      size_bytes: before.sizeBytes,
      formats: before.formats,
      warnings: before.warnings,
      variants: before.variants,
      artifacts: before.artifacts,
      keep_until: keepUntil.toISOString(),
    };
    const headIsNew = before.upstreamCommit === to;
    const [row] = await tx
      .update(models)
      .set({
        commit: to,
        sizeBytes: target.size_bytes,
        formats: target.formats,
        warnings: target.warnings,
        variants: target.variants,
        artifacts: target.artifacts,
        memory: summarizeMemory(target.variants),
        previous,
        // A rollback to the commit a candidate was staged from leaves no candidate either.
        candidate: source === "candidate" || before.candidate?.commit === to ? null : before.candidate,
        // Upstream's head, compared with the new current commit: the same, or checked again soon.
        upstreamState: headIsNew ? "current" : null,
        upstreamDiff: null,
        upstreamNextCheckAt: headIsNew ? before.upstreamNextCheckAt : new Date(),
      })
      .where(eq(models.id, id))
      .returning();
    // A node that also reported the outgoing commit as another commit's entry has two rows
    // about it: the current one moves over it, and its hash leaves the node's digest.
    await tx.execute(sql`
      with gone as (
        delete from node_commit_states c using node_model_states s
        where c.model_id = ${id} and c.commit = ${from} and s.model_id = ${id} and s.node_id = c.node_id
        returning c.node_id, c.report_hash
      )
      update nodes n set state_digest = n.state_digest # x.h
      from (select node_id, bit_xor(report_hash) as h from gone group by node_id) x
      where n.id = x.node_id
    `);
    await tx.execute(sql`
      insert into node_commit_states
        (node_id, model_id, commit, state, variant, bytes_done, bytes_total, error_code, error_message, report_hash)
      select node_id, model_id, ${from}, state, variant, bytes_done, bytes_total, error_code, error_message, report_hash
      from node_model_states where model_id = ${id}
    `);
    await tx.execute(sql`delete from node_model_states where model_id = ${id}`);
    await tx.execute(sql`
      insert into node_model_states
        (node_id, model_id, state, variant, bytes_done, bytes_total, error_code, error_message, report_hash)
      select node_id, model_id, state, variant, bytes_done, bytes_total, error_code, error_message, report_hash
      from node_commit_states where model_id = ${id} and commit = ${to}
    `);
    await tx.execute(sql`delete from node_commit_states where model_id = ${id} and commit = ${to}`);
    await insertHistory({ tx, modelId: id, entry });
    await bumpSyncVersion({ tx });
    return { model: row, version: await bumpRegistryVersion({ tx }) };
  });
}

/** One node's standing in a rollout: its current state and what it reports of `commit`. */
export interface RolloutNodeRow {
  node_id: string;
  node: string;
  online: boolean;
  current_state: string | null;
  state: string | null;
  variant: string | null;
  bytes_done: number | null;
  bytes_total: number | null;
  error_code: string | null;
  error_message: string | null;
}

/**
 * Every node that reports the model (either commit), with its current state and its state
 * of `commit`, online ones first.
 */
export async function listRolloutNodes({
  modelId,
  commit,
  offlineAfterSeconds,
}: {
  modelId: string;
  commit: string;
  offlineAfterSeconds: number;
}): Promise<RolloutNodeRow[]> {
  const { db } = await getDb();
  const result = await db.execute(sql`
    select n.id::text as node_id, n.name as node,
      n.last_seen_at > now() - make_interval(secs => ${offlineAfterSeconds}) as online,
      s.state as current_state, c.state, c.variant, c.bytes_done::float8 as bytes_done,
      c.bytes_total::float8 as bytes_total, c.error_code, c.error_message
    from nodes n
    left join node_model_states s on s.node_id = n.id and s.model_id = ${modelId}
    left join node_commit_states c on c.node_id = n.id and c.model_id = ${modelId} and c.commit = ${commit}
    where s.node_id is not null or c.node_id is not null
    order by online desc, n.name
  `);
  return rowsOf<RolloutNodeRow>(result).map((r) => ({
    ...r,
    bytes_done: r.bytes_done === null ? null : Number(r.bytes_done),
    bytes_total: r.bytes_total === null ? null : Number(r.bytes_total),
  }));
}

/** Followed-automatically models with a candidate staged: the ones a promotion pass looks at. */
export async function listAutoRollouts(): Promise<Model[]> {
  const { db } = await getDb();
  return db
    .select()
    .from(models)
    .where(and(eq(models.follow, "auto"), sql`${models.candidate} is not null`));
}

/** One node's states of commits other than the current one (or only those of `modelIds`), inside `tx`. */
export async function listCommitStatesOfNode({
  tx,
  nodeId,
  modelIds,
}: {
  tx: Db;
  nodeId: string;
  modelIds?: string[];
}): Promise<NodeCommitState[]> {
  if (modelIds && modelIds.length === 0) return [];
  return tx
    .select()
    .from(nodeCommitStates)
    .where(
      and(eq(nodeCommitStates.nodeId, nodeId), modelIds ? inArray(nodeCommitStates.modelId, modelIds) : undefined),
    );
}

/** Insert or overwrite states of non-current commits, inside `tx`. */
export async function upsertCommitStates({ tx, rows }: { tx: Db; rows: NewNodeCommitState[] }): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((r) => [
      r.nodeId,
      r.modelId,
      r.commit,
      r.state,
      r.variant ?? null,
      r.bytesDone ?? null,
      r.bytesTotal ?? null,
      r.errorCode ?? null,
      r.errorMessage ?? null,
      String(r.reportHash ?? 0n),
    ]),
  );
  await tx.execute(sql`
    insert into ${nodeCommitStates}
      (node_id, model_id, commit, state, variant, bytes_done, bytes_total, error_code, error_message, report_hash)
    select (r->>0)::uuid, (r->>1)::uuid, r->>2, r->>3, r->>4, (r->>5)::bigint, (r->>6)::bigint, r->>7, r->>8,
      (r->>9)::bigint
    from jsonb_array_elements(${json}::text::jsonb) as r
    on conflict (node_id, model_id, commit) do update set
      state = excluded.state, variant = excluded.variant, bytes_done = excluded.bytes_done,
      bytes_total = excluded.bytes_total, error_code = excluded.error_code,
      error_message = excluded.error_message, report_hash = excluded.report_hash, updated_at = now()
  `);
}

/** Delete one node's states of these (model, commit) pairs, inside `tx`. */
export async function deleteCommitStates({
  tx,
  nodeId,
  keys,
}: {
  tx: Db;
  nodeId: string;
  keys: { modelId: string; commit: string }[];
}): Promise<void> {
  if (keys.length === 0) return;
  await tx.execute(sql`
    delete from ${nodeCommitStates} c
    using jsonb_array_elements(${JSON.stringify(keys.map((k) => [k.modelId, k.commit]))}::text::jsonb) as k
    where c.node_id = ${nodeId} and c.model_id = (k->>0)::uuid and c.commit = k->>1
  `);
}
