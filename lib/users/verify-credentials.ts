import "server-only";
import { claimSignInAttempt, clearSignInFailures, recordSignInFailure } from "@/lib/db/queries/sign-in-failures";
import { getUserCredentialsByEmail } from "@/lib/db/queries/users";
import { hashPassword, verifyPassword } from "./password";
import { SIGN_IN_LIMIT } from "./sign-in-limit";

// Unknown emails are checked against this hash, so a wrong email costs the same
// slow hash as a wrong password and timing does not tell which emails exist. Kept
// on globalThis: server start (instrumentation) and the sign-in route are
// separate bundles.
const globalForHash = globalThis as unknown as { __llmlbDummyHash?: Promise<string> };

/** Compute the stand-in hash ahead of the first sign-in (server start), so even that one is not slower. */
export function prepareCredentialCheck(): Promise<string> {
  globalForHash.__llmlbDummyHash ??= hashPassword("llmlb-timing-equaliser");
  return globalForHash.__llmlbDummyHash;
}

/** The user id when email and password match an enabled user; otherwise null, whatever the reason. */
export async function verifyCredentials({ email, password }: { email: string; password: string }) {
  const user = await getUserCredentialsByEmail({ email: email.trim() });
  const matches = await verifyPassword(password, user?.passwordHash ?? (await prepareCredentialCheck()));
  if (!user || !matches || user.disabled) return null;
  return { id: user.id };
}

export type SignInCheck =
  | { ok: true; id: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; until: Date };

/**
 * verifyCredentials behind a lock: after SIGN_IN_LIMIT.failures failures for one email
 * within its window, that email cannot sign in (even with the right password) until the
 * lock ends. A success clears its failures.
 */
export async function checkSignIn(input: { email: string; password: string }): Promise<SignInCheck> {
  // No case folding here: the lock and the user lookup both fold it in the database (emailKey).
  const email = input.email.trim();
  // Counted before the slow hash: checking a lock first and counting after let attempts
  // that arrived together all pass the check before any of them had failed.
  const claim = await claimSignInAttempt({ email, limit: SIGN_IN_LIMIT });
  if (!claim.allowed) return { ok: false, reason: "locked", until: claim.until };
  const user = await verifyCredentials({ email, password: input.password });
  if (!user) {
    await recordSignInFailure({ email, limit: SIGN_IN_LIMIT });
    return { ok: false, reason: "invalid" };
  }
  await clearSignInFailures({ email });
  return { ok: true, id: user.id };
}
