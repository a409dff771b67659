import "server-only";
import { and, desc, eq, like, lt, or, type SQL, sql } from "drizzle-orm";
import { getDb } from "../client";
import { type ActivityEntry, type ActivityOutcome, activityEntries, type NewActivityEntry } from "../schema";

const t = activityEntries;

export async function insertActivityEntry({ entry }: { entry: NewActivityEntry }): Promise<void> {
  const { db } = await getDb();
  await db.insert(t).values(entry);
}

export type ActivityFilter = {
  /** An action (`model.deleted`), or a group (`model`) for every action in it. */
  action?: string;
  /** Part of who acted, any case. */
  actor?: string;
  outcome?: ActivityOutcome;
};

/** Newest first: up to `limit` entries with an id below `before`, and whether older ones remain. */
export async function listActivityEntries({
  filter,
  limit,
  before,
}: {
  filter: ActivityFilter;
  limit: number;
  before?: number;
}): Promise<{ entries: ActivityEntry[]; more: boolean }> {
  const { db } = await getDb();
  const where: (SQL | undefined)[] = [before ? lt(t.id, before) : undefined];
  if (filter.action) {
    // Groups and actions come from a fixed list (lib/api/activity-schemas.ts): nothing to escape.
    where.push(
      filter.action.includes(".")
        ? eq(t.action, filter.action)
        : or(eq(t.action, filter.action), like(t.action, `${filter.action}.%`)),
    );
  }
  if (filter.actor) where.push(sql`strpos(lower(${t.actor}), lower(${filter.actor})) > 0`);
  if (filter.outcome) where.push(eq(t.outcome, filter.outcome));
  const rows = await db
    .select()
    .from(t)
    .where(and(...where))
    .orderBy(desc(t.id))
    .limit(limit + 1);
  return { entries: rows.slice(0, limit), more: rows.length > limit };
}
