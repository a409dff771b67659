import "server-only";
import type { ActivityAction } from "@/lib/api/activity-schemas";
import { stripControlCharacters } from "@/lib/api/control-chars";
import { ApiError } from "@/lib/api/errors";
import { insertActivityEntry } from "@/lib/db/queries/activity";
import type { ActivityOutcome } from "@/lib/db/schema";
import { logger } from "@/lib/log/logger";
import { errorCodeOf } from "@/lib/metrics/registry";

/** What happened, as the domain code knows it. Names, emails and ids only: never a password, key or token. */
export type ActivityInput = {
  /** A user's email, `key "name"`, LLMLB_ADMIN_KEY (lib/auth/actor.ts), or the email typed at a sign-in. */
  actor: string;
  action: ActivityAction;
  target?: string | null;
  detail?: string | null;
};

// Every text is cut to a bound, so one entry stays one small row whatever a caller passes.
const bounds = { actor: 254, target: 1_200, detail: 500, errorCode: 64 } as const;

function bounded(text: string | null | undefined, max: number): string | null {
  if (text === null || text === undefined) return null;
  const clean = stripControlCharacters(text);
  return (clean.length > max ? `${clean.slice(0, max - 1)}…` : clean).toWellFormed();
}

/**
 * Append one entry to the activity log. Never fails the action it records: a write that
 * fails (the database down, say) is logged and dropped.
 */
export async function recordActivity(
  entry: ActivityInput & { outcome: ActivityOutcome; errorCode?: string | null },
): Promise<void> {
  try {
    await insertActivityEntry({
      entry: {
        actor: bounded(entry.actor, bounds.actor) ?? "",
        action: entry.action,
        target: bounded(entry.target, bounds.target),
        outcome: entry.outcome,
        errorCode: bounded(entry.errorCode, bounds.errorCode),
        detail: bounded(entry.detail, bounds.detail),
      },
    });
  } catch (err) {
    logger.warn({ event: "activity.record_failed", action: entry.action, err }, "could not record activity");
  }
}

/** Record an action that threw: refused (an ApiError, with its code) or failed (anything else). */
export async function recordFailure(entry: ActivityInput, error: unknown): Promise<void> {
  const errorCode = errorCodeOf(error);
  // The write would wait out the same outage, and the answer must not wait twice.
  if (errorCode === "database_unavailable") {
    logger.warn({ event: "activity.not_recorded", action: entry.action, errorCode }, "could not record activity");
    return;
  }
  await recordActivity({ ...entry, outcome: error instanceof ApiError ? "refused" : "failed", errorCode });
}

/**
 * Run `work` and record it: `ok` (with what `after` adds from its result, such as the name
 * of what it removed), or refused/failed with the error's code. The error is thrown on.
 */
export async function recorded<T>(
  entry: ActivityInput,
  work: () => Promise<T>,
  after?: (result: T) => Partial<Omit<ActivityInput, "actor" | "action">>,
): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await recordFailure(entry, error);
    throw error;
  }
  await recordActivity({ ...entry, ...after?.(result), outcome: "ok" });
  return result;
}
