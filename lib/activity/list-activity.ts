import "server-only";
import type { ActivityList, ActivityQuery } from "@/lib/api/activity-schemas";
import { listActivityEntries } from "@/lib/db/queries/activity";

/** `GET /api/activity` and the Activity page: one page of the log, newest first. */
export async function listActivity(query: ActivityQuery): Promise<ActivityList> {
  const { entries, more } = await listActivityEntries({
    filter: { action: query.action, actor: query.actor, outcome: query.outcome },
    limit: query.limit,
    before: query.before,
  });
  return {
    entries: entries.map((e) => ({
      id: e.id,
      at: e.createdAt.toISOString(),
      actor: e.actor,
      action: e.action as ActivityList["entries"][number]["action"],
      target: e.target,
      outcome: e.outcome,
      error_code: e.errorCode,
      detail: e.detail,
    })),
    next_before: more ? (entries.at(-1)?.id ?? null) : null,
  };
}
