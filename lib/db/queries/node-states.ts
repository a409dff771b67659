import "server-only";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type Db, getDb, rowsOf } from "../client";
import { models, type NewNodeModelState, type NodeModelState, nodeModelStates } from "../schema";

export interface SyncCounts {
  readyNodes: number;
  syncingNodes: number;
  errorNodes: number;
  nodes: number;
}

type CountRow = { model_id: string; ready: number; syncing: number; errors: number; total: number };

/**
 * Per-model counts of the states reported by ONLINE nodes only (seen within
 * `offlineAfterSeconds`): offline is decided from last_seen_at at read time, so a dead
 * node stops counting with no background job.
 */
export async function getSyncCounts({
  modelId,
  offlineAfterSeconds,
}: {
  modelId?: string;
  offlineAfterSeconds: number;
}): Promise<Map<string, SyncCounts>> {
  const { db } = await getDb();
  const result = await db.execute<CountRow>(sql`
    select s.model_id::text as model_id,
      (count(*) filter (where s.state = 'ready'))::int as ready,
      (count(*) filter (where s.state in ('pending', 'downloading')))::int as syncing,
      (count(*) filter (where s.state = 'error'))::int as errors,
      count(*)::int as total
    from node_model_states s
    -- any(array(...)) rather than a join: heartbeats keep last_seen_at ahead of the
    -- planner's statistics, and the join estimate (1 online node) picked a nested
    -- loop over every state row (130 ms at 100 nodes x 1,000 models, 36 ms this way).
    where s.node_id = any(array(
      select id from nodes where last_seen_at > now() - make_interval(secs => ${offlineAfterSeconds})
    ))
      ${modelId ? sql`and s.model_id = ${modelId}` : sql``}
    group by s.model_id
  `);
  const counts = new Map<string, SyncCounts>();
  for (const row of rowsOf<CountRow>(result)) {
    counts.set(row.model_id, {
      readyNodes: Number(row.ready),
      syncingNodes: Number(row.syncing),
      errorNodes: Number(row.errors),
      nodes: Number(row.total),
    });
  }
  return counts;
}

/** One model's node counts by state over ONLINE nodes, and the bytes of its downloads in progress. */
export interface ModelStateCounts {
  modelId: string;
  name: string;
  ready: number;
  downloading: number;
  pending: number;
  error: number;
  unsupported: number;
  /** Sums over downloading states whose total is known, so the two make one progress bar. */
  bytesDone: number;
  bytesTotal: number;
  /** A staged update, or (followed) upstream moved or gone: the list's badge; null for none. */
  notice: "staged" | "update_available" | "gone" | null;
}

type StateCountRow = {
  model_id: string;
  name: string;
  ready: number;
  downloading: number;
  pending: number;
  error: number;
  unsupported: number;
  bytes_done: number | string;
  bytes_total: number | string;
  notice: ModelStateCounts["notice"];
};

/**
 * Every registered model (or only `modelId`), by name, with what ONLINE nodes report of
 * it: one row per model, zeros for a model no online node reports. Read live on every
 * call: download progress moves no version, so nothing here may be cached on one.
 */
export async function countModelStates({
  modelId,
  names,
  offlineAfterSeconds,
}: {
  modelId?: string;
  /** Only these models (exact stored names): a page of a list, not the whole fleet's states. */
  names?: string[];
  offlineAfterSeconds: number;
}): Promise<ModelStateCounts[]> {
  if (names && names.length === 0) return [];
  const { db } = await getDb();
  const counted = (state: NodeModelState["state"]) => sql.raw(`(count(*) filter (where s.state = '${state}'))::int`);
  const downloadBytes = (column: "bytes_done" | "bytes_total") =>
    sql.raw(
      `coalesce(sum(s.${column}) filter (where s.state = 'downloading' and s.bytes_total is not null), 0)::float8`,
    );
  const result = await db.execute<StateCountRow>(sql`
    select m.id::text as model_id, m.name,
      ${counted("ready")} as ready, ${counted("downloading")} as downloading, ${counted("pending")} as pending,
      ${counted("error")} as error, ${counted("unsupported")} as unsupported,
      ${downloadBytes("bytes_done")} as bytes_done, ${downloadBytes("bytes_total")} as bytes_total,
      -- The same rule as listUpstreamNotices (lib/db/queries/upstream.ts); m.id is the key grouped by.
      case when m.candidate is not null then 'staged'
        when m.upstream_state in ('update_available', 'gone') and m.follow <> 'off'
          and m.revision !~* '^[0-9a-f]{40}$' then m.upstream_state end as notice
    from models m
    -- Online nodes as an array, as in getSyncCounts: the planner's estimate of a join
    -- on last_seen_at is always stale under heartbeats.
    left join node_model_states s on s.model_id = m.id and s.node_id = any(array(
      select id from nodes where last_seen_at > now() - make_interval(secs => ${offlineAfterSeconds})
    ))
    ${modelId ? sql`where m.id = ${modelId}` : sql``}
    ${
      names
        ? sql`${modelId ? sql`and` : sql`where`} m.name in (${sql.join(
            names.map((n) => sql`${n}`),
            sql`, `,
          )})`
        : sql``
    }
    group by m.id, m.name
    order by m.name
  `);
  return rowsOf<StateCountRow>(result).map((row) => ({
    modelId: row.model_id,
    name: row.name,
    ready: Number(row.ready),
    downloading: Number(row.downloading),
    pending: Number(row.pending),
    error: Number(row.error),
    unsupported: Number(row.unsupported),
    bytesDone: Number(row.bytes_done),
    bytesTotal: Number(row.bytes_total),
    notice: row.notice ?? null,
  }));
}

// What a node's listing shows of each state: the model by name, not by id.
const listedStateColumns = {
  nodeId: nodeModelStates.nodeId,
  model: models.name,
  state: nodeModelStates.state,
  variant: nodeModelStates.variant,
  bytesDone: nodeModelStates.bytesDone,
  bytesTotal: nodeModelStates.bytesTotal,
  errorCode: nodeModelStates.errorCode,
  errorMessage: nodeModelStates.errorMessage,
  updatedAt: nodeModelStates.updatedAt,
};

/**
 * Every node's per-model states, only one model's (through node_model_states_model_idx),
 * or only one node's.
 */
export async function listNodeStates({ modelId, nodeId }: { modelId?: string; nodeId?: string } = {}) {
  const { db } = await getDb();
  return db
    .select(listedStateColumns)
    .from(nodeModelStates)
    .innerJoin(models, eq(models.id, nodeModelStates.modelId))
    .where(
      and(
        modelId ? eq(nodeModelStates.modelId, modelId) : undefined,
        nodeId ? eq(nodeModelStates.nodeId, nodeId) : undefined,
      ),
    )
    .orderBy(asc(models.name));
}

/**
 * Per node, how many models it reports ready, downloading and failed: counted by the
 * database, so a summary never has to load the 100,000 state rows of a large fleet.
 */
export async function countNodeStates({ nodeId }: { nodeId?: string } = {}) {
  const { db } = await getDb();
  const counted = (state: NodeModelState["state"]) =>
    sql<number>`(count(*) filter (where ${nodeModelStates.state} = ${state}))::int`.mapWith(Number);
  return db
    .select({
      nodeId: nodeModelStates.nodeId,
      ready: counted("ready"),
      downloading: counted("downloading"),
      error: counted("error"),
    })
    .from(nodeModelStates)
    .where(nodeId ? eq(nodeModelStates.nodeId, nodeId) : undefined)
    .groupBy(nodeModelStates.nodeId);
}

/** One node's stored states (or only those of `modelIds`), inside `tx`. */
export async function listStatesOfNode({
  tx,
  nodeId,
  modelIds,
}: {
  tx: Db;
  nodeId: string;
  modelIds?: string[];
}): Promise<NodeModelState[]> {
  if (!modelIds) return tx.select().from(nodeModelStates).where(eq(nodeModelStates.nodeId, nodeId));
  const rows: NodeModelState[] = [];
  for (let at = 0; at < modelIds.length; at += rowsPerStatement) {
    const batch = modelIds.slice(at, at + rowsPerStatement);
    const found = await tx
      .select()
      .from(nodeModelStates)
      .where(and(eq(nodeModelStates.nodeId, nodeId), inArray(nodeModelStates.modelId, batch)));
    for (const row of found) rows.push(row);
  }
  return rows;
}

// One key for every write of node states: heavyweight locks queue fairly, so a deletion
// waiting for it holds back the heartbeats that come after it (row locks do not: a stream
// of heartbeats holding a model FOR KEY SHARE kept its deletion waiting past the statement
// timeout on PostgreSQL).
const stateWritesLock = 0x6c6c6d62;

/**
 * Inside `tx`, until it ends: "shared" for a heartbeat's writes (any number at once),
 * "exclusive" for a deletion of a model (waits for those running, holds back new ones).
 */
export async function lockStateWrites({ tx, mode }: { tx: Db; mode: "shared" | "exclusive" }): Promise<void> {
  await tx.execute(
    mode === "shared"
      ? sql`select pg_advisory_xact_lock_shared(${stateWritesLock})`
      : sql`select pg_advisory_xact_lock(${stateWritesLock})`,
  );
}

/**
 * Before a model goes (its states cascade), every node's digest gives up the report hashes
 * of its states of that model (of every commit), inside `tx`.
 */
export async function dropModelFromDigests({ tx, modelId }: { tx: Db; modelId: string }): Promise<void> {
  // The caller holds lockStateWrites exclusively: no heartbeat writes states meanwhile.
  await tx.execute(sql`
    update nodes n set state_digest = n.state_digest # x.h
    from (
      select node_id, bit_xor(report_hash) as h from (
        select node_id, report_hash from node_model_states where model_id = ${modelId}
        union all
        select node_id, report_hash from node_commit_states where model_id = ${modelId}
      ) s group by node_id
    ) x
    where n.id = x.node_id
  `);
}

/** Insert states, or overwrite those a node already reported for the same model, inside `tx`. */
export async function upsertNodeStates({ tx, rows }: { tx: Db; rows: NewNodeModelState[] }): Promise<void> {
  if (rows.length === 0) return;
  // One JSON parameter for all the rows: a node's first full state is a thousand rows, and
  // building a statement of a thousand VALUES tuples cost the server ~20 ms of CPU each.
  const json = JSON.stringify(
    rows.map((r) => [
      r.nodeId,
      r.modelId,
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
    insert into ${nodeModelStates}
      (node_id, model_id, state, variant, bytes_done, bytes_total, error_code, error_message, report_hash)
    select (r->>0)::uuid, (r->>1)::uuid, r->>2, r->>3, (r->>4)::bigint, (r->>5)::bigint, r->>6, r->>7,
      (r->>8)::bigint
    from jsonb_array_elements(${json}::text::jsonb) as r
    on conflict (node_id, model_id) do update set
      state = excluded.state, variant = excluded.variant, bytes_done = excluded.bytes_done,
      bytes_total = excluded.bytes_total, error_code = excluded.error_code,
      error_message = excluded.error_message, report_hash = excluded.report_hash, updated_at = now()
  `);
}

/** Ids per statement, well under PostgreSQL's 65,535 parameters. */
const rowsPerStatement = 10_000;

/** Delete one node's states for `modelIds`, inside `tx`. */
export async function deleteNodeStates({
  tx,
  nodeId,
  modelIds,
}: {
  tx: Db;
  nodeId: string;
  modelIds: string[];
}): Promise<void> {
  for (let at = 0; at < modelIds.length; at += rowsPerStatement) {
    const batch = modelIds.slice(at, at + rowsPerStatement);
    await tx
      .delete(nodeModelStates)
      .where(and(eq(nodeModelStates.nodeId, nodeId), inArray(nodeModelStates.modelId, batch)));
  }
}
