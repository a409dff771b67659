import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import { getDb } from "../client";
import { signInFailures } from "../schema";

/** Failures within one window that lock an email, and for how long the window and the lock last. */
export const SIGN_IN_LIMIT = { failures: 10, windowMinutes: 15, lockMinutes: 15 } as const;

/** When the email's lock ends, or null when it may sign in. */
export async function signInLockedUntil({ email }: { email: string }): Promise<Date | null> {
  const { db } = await getDb();
  const [row] = await db
    .select({ until: signInFailures.lockedUntil })
    .from(signInFailures)
    .where(and(eq(signInFailures.email, email), gt(signInFailures.lockedUntil, sql`now()`)))
    .limit(1);
  return row?.until ?? null;
}

/**
 * Counts one failure in one statement (concurrent failures all count): a window older
 * than SIGN_IN_LIMIT.windowMinutes starts over; the failure that reaches the limit locks.
 */
export async function recordSignInFailure({ email }: { email: string }): Promise<void> {
  const { db } = await getDb();
  const window = sql.raw(`interval '${SIGN_IN_LIMIT.windowMinutes} minutes'`);
  const lock = sql.raw(`interval '${SIGN_IN_LIMIT.lockMinutes} minutes'`);
  const fresh = sql`${signInFailures.windowStartedAt} <= now() - ${window}`;
  const failures = sql`case when ${fresh} then 1 else ${signInFailures.failures} + 1 end`;
  await db
    .insert(signInFailures)
    .values({ email, failures: 1 })
    .onConflictDoUpdate({
      target: signInFailures.email,
      set: {
        failures,
        windowStartedAt: sql`case when ${fresh} then now() else ${signInFailures.windowStartedAt} end`,
        lockedUntil: sql`case when ${failures} >= ${SIGN_IN_LIMIT.failures} then now() + ${lock} else null end`,
      },
    });
}

export async function clearSignInFailures({ email }: { email: string }): Promise<void> {
  const { db } = await getDb();
  await db.delete(signInFailures).where(eq(signInFailures.email, email));
}
