import "server-only";
import { type SQL, sql } from "drizzle-orm";

/**
 * An email as everything that must agree on whom it names sees it: the user lookup (and
 * the unique index on lower(email)) and the sign-in lock. The database's lower(), not
 * JavaScript's toLowerCase(): they differ ("İ" is "i" in one, "i̇" in the other), and a
 * lock keyed by one while sign-in matched by the other let a variant spelling skip the lock.
 */
export const emailKey = (email: string): SQL => sql`lower(${email})`;
