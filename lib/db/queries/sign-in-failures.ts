import "server-only";
import { and, eq, gte, sql } from "drizzle-orm";
import { getDb } from "../client";
import { signInFailures } from "../schema";
import { emailKey } from "./email-key";

/** How many failures within how long a window lock an email, and for how long (lib/users/sign-in-limit.ts). */
export type SignInLimit = { failures: number; windowMinutes: number; lockMinutes: number };

export type SignInClaim = { allowed: true } | { allowed: false; until: Date };

// Keyed by emailKey(email), as the user lookup matches: every spelling that would sign in
// as one user counts against one lock.
const t = signInFailures;
const minutes = (n: number) => sql.raw(`interval '${Math.trunc(n)} minutes'`);
// Against the row as it was before this statement; coalesce because a null
// locked_until would make `not locked` null, which a case treats as false.
const locked = sql`coalesce(${t.lockedUntil} > now(), false)`;

/**
 * Counts one attempt before its password is checked, in one statement, so attempts that
 * arrive together (on any instance sharing the database) each take their own place: the
 * `failures` column counts attempts not yet known to have succeeded. A window older than
 * `limit.windowMinutes` starts over. Once the count is full, further attempts are
 * refused without checking a password (and start the lock if none runs yet); a running
 * lock is left as it is.
 */
export async function claimSignInAttempt({
  email,
  limit,
}: {
  email: string;
  limit: SignInLimit;
}): Promise<SignInClaim> {
  const { db } = await getDb();
  const fresh = sql`${t.windowStartedAt} <= now() - ${minutes(limit.windowMinutes)}`;
  const full = sql`${t.failures} >= ${limit.failures}`;
  const lock = minutes(limit.lockMinutes);
  const [row] = await db
    .insert(t)
    .values({ email: emailKey(email), failures: 1 })
    .onConflictDoUpdate({
      target: t.email,
      set: {
        failures: sql`case when ${locked} or (not ${fresh} and ${full}) then ${t.failures}
          when ${fresh} then 1 else ${t.failures} + 1 end`,
        windowStartedAt: sql`case when not ${locked} and ${fresh} then now() else ${t.windowStartedAt} end`,
        lockedUntil: sql`case when ${locked} then ${t.lockedUntil} when not ${fresh} and ${full} then now() + ${lock} end`,
      },
    })
    .returning({ until: t.lockedUntil, refused: sql<boolean>`coalesce(${t.lockedUntil} > now(), false)` });
  return row.refused && row.until ? { allowed: false, until: row.until } : { allowed: true };
}

/** A claimed attempt's password was wrong: once the count is full, the lock starts (unless one runs). */
export async function recordSignInFailure({ email, limit }: { email: string; limit: SignInLimit }): Promise<void> {
  const { db } = await getDb();
  await db
    .update(t)
    .set({ lockedUntil: sql`now() + ${minutes(limit.lockMinutes)}` })
    .where(and(eq(t.email, emailKey(email)), gte(t.failures, limit.failures), sql`not ${locked}`));
}

/** A success: the email's count starts over. */
export async function clearSignInFailures({ email }: { email: string }): Promise<void> {
  const { db } = await getDb();
  await db.delete(t).where(eq(t.email, emailKey(email)));
}
