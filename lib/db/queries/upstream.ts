import "server-only";
import { desc, eq, inArray, sql } from "drizzle-orm";
import { type Db, getDb, rowsOf, withTransaction } from "../client";
import { type HistoryAction, type Model, modelHistory, models } from "../schema";
import type { FollowPolicy, UpstreamCheckError, UpstreamDiff, UpstreamReason, UpstreamState } from "../upstream-types";

/** A revision that is a 40-hex commit never moves: such a registration is never checked. */
const followed = sql`${models.follow} <> 'off' and ${models.revision} !~* '^[0-9a-f]{40}$'`;

export interface HistoryEntry {
  action: HistoryAction;
  actor: string;
  fromCommit?: string | null;
  toCommit?: string | null;
  detail?: string | null;
}

export async function insertHistory({ tx, modelId, entry }: { tx?: Db; modelId: string; entry: HistoryEntry }) {
  const db = tx ?? (await getDb()).db;
  await db.insert(modelHistory).values({ modelId, ...entry });
}

export async function listHistory({ modelId, limit }: { modelId: string; limit: number }) {
  const { db } = await getDb();
  return db
    .select()
    .from(modelHistory)
    .where(eq(modelHistory.modelId, modelId))
    .orderBy(desc(modelHistory.at), desc(modelHistory.id))
    .limit(limit);
}

export interface UpstreamResult {
  state: UpstreamState;
  commit: string | null;
  diff: UpstreamDiff | null;
  reason: UpstreamReason | null;
}

/**
 * Store what a check that asked the Hub at `startedAt` found, in one transaction with the
 * history it makes. Nothing is stored when the model was deleted, or re-pinned to another
 * commit, since the check began (null), nor when a check that asked later has stored
 * already, on any instance (the newer result is returned): an old answer never overwrites
 * a newer one.
 */
export async function storeUpstreamResult({
  id,
  pinnedCommit,
  startedAt,
  result,
  history,
}: {
  id: string;
  pinnedCommit: string;
  startedAt: Date;
  result: UpstreamResult;
  /** The entry this result makes, given the row as it was before (locked). */
  history: (before: Model) => HistoryEntry | null;
}): Promise<Model | null> {
  return withTransaction(async (tx) => {
    const [before] = await tx.select().from(models).where(eq(models.id, id)).for("update");
    if (!before || before.commit !== pinnedCommit) return null;
    if (before.upstreamCheckedAt && before.upstreamCheckedAt >= startedAt) return before;
    const moved = result.commit !== null && result.commit !== before.upstreamCommit;
    const [row] = await tx
      .update(models)
      .set({
        upstreamState: result.state,
        upstreamCommit: result.commit,
        upstreamCheckedAt: startedAt,
        upstreamSeenAt: moved ? startedAt : before.upstreamSeenAt,
        upstreamDiff: result.diff,
        upstreamReason: result.reason,
        upstreamCheckError: null,
      })
      .where(eq(models.id, id))
      .returning();
    const entry = history(before);
    if (entry) await insertHistory({ tx, modelId: id, entry });
    return row ?? null;
  });
}

/** A check that failed (Hub down, rate limit, token refused): the state found before stays, with the failure beside it. */
export async function storeCheckFailure({ id, error }: { id: string; error: UpstreamCheckError }): Promise<void> {
  const { db } = await getDb();
  await db.update(models).set({ upstreamCheckError: error }).where(eq(models.id, id));
}

export async function setFollowPolicy({
  id,
  follow,
  actor,
}: {
  id: string;
  follow: FollowPolicy;
  actor: string;
}): Promise<Model | null> {
  return withTransaction(async (tx) => {
    const [before] = await tx.select().from(models).where(eq(models.id, id)).for("update");
    if (!before) return null;
    if (before.follow === follow) return before;
    // Back to following: the periodic check places it again, somewhere in the next interval.
    const [row] = await tx
      .update(models)
      .set({ follow, upstreamNextCheckAt: null })
      .where(eq(models.id, id))
      .returning();
    await insertHistory({
      tx,
      modelId: id,
      entry: { action: "follow_changed", actor, detail: `${before.follow} → ${follow}` },
    });
    return row ?? null;
  });
}

/** Followed models of a repository (a webhook names the repository). */
export async function listFollowersOfRepo({ repo }: { repo: string }): Promise<Model[]> {
  const { db } = await getDb();
  return db.select().from(models).where(sql`lower(${models.repo}) = lower(${repo}) and ${followed}`).limit(1_000);
}

/**
 * The periodic check's claim: models due now, at most `limit`, each moved a whole interval
 * ahead in the same statement. SKIP LOCKED: two instances claiming at once take different
 * models, and a model claimed is not due again for an interval, so one cluster checks each
 * model once per interval. Models never placed yet are placed first, somewhere in the next
 * half to whole interval, so that a thousand registrations do not fall due together.
 */
export async function claimDueChecks({ intervalS, limit }: { intervalS: number; limit: number }): Promise<Model[]> {
  const { db } = await getDb();
  await db.execute(sql`
    update models set upstream_next_check_at = now() + make_interval(secs => ${intervalS} * (0.5 + 0.5 * random()))
    where upstream_next_check_at is null and ${followed}
  `);
  const result = await db.execute(sql`
    update models set upstream_next_check_at = now() + make_interval(secs => ${intervalS})
    where id in (
      select id from models
      where upstream_next_check_at <= now() and ${followed}
      order by upstream_next_check_at
      limit ${limit}
      for update skip locked
    )
    returning id
  `);
  const ids = rowsOf<{ id: string }>(result).map((r) => r.id);
  if (!ids.length) return [];
  return db.select().from(models).where(inArray(models.id, ids));
}

/** Claimed models a rate limit kept from being checked: due again once it lifts. */
export async function deferChecks({ ids, seconds }: { ids: string[]; seconds: number }): Promise<void> {
  if (!ids.length) return;
  const { db } = await getDb();
  await db
    .update(models)
    .set({ upstreamNextCheckAt: sql`now() + make_interval(secs => ${seconds})` })
    .where(inArray(models.id, ids));
}

/** Models with a staged update, or followed and moved or gone upstream, by name: the models list's badges. */
export async function listUpstreamNotices(): Promise<Record<string, "staged" | "update_available" | "gone">> {
  const { db } = await getDb();
  const rows = await db
    .select({
      name: models.name,
      notice: sql<
        "staged" | "update_available" | "gone"
      >`case when ${models.candidate} is not null then 'staged' else ${models.upstreamState} end`,
    })
    .from(models)
    .where(
      sql`${models.candidate} is not null or (${models.upstreamState} in ('update_available', 'gone') and ${followed})`,
    )
    .limit(10_000);
  return Object.fromEntries(rows.map((r) => [r.name, r.notice]));
}
