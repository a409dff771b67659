import "server-only";
import { recorded } from "@/lib/activity/record";
import { ApiError } from "@/lib/api/errors";
import { setUserPasswordHash } from "@/lib/db/queries/users";
import { logger } from "@/lib/log/logger";
import { hashPassword } from "./password";
import type { OwnPasswordChange } from "./schemas";
import { SIGN_IN_LIMIT } from "./sign-in-limit";
import { checkSignIn } from "./verify-credentials";

/**
 * A signed-in person changes their own password. The current one is checked as a
 * sign-in is (same failure count and lock), so a borrowed session cannot guess it
 * faster than the sign-in form could. Every session signed in before ends.
 */
export async function changeOwnPassword({
  user,
  change,
}: {
  user: { id: string; email: string };
  change: OwnPasswordChange;
}): Promise<void> {
  await recorded({ actor: user.email, action: "user.password_changed", target: user.email }, () =>
    changePassword({ user, change }),
  );
}

async function changePassword({ user, change }: { user: { id: string; email: string }; change: OwnPasswordChange }) {
  const check = await checkSignIn({ email: user.email, password: change.currentPassword });
  if (!check.ok) {
    throw check.reason === "locked"
      ? new ApiError(
          "forbidden",
          `Too many wrong passwords for this account. Try again in ${SIGN_IN_LIMIT.lockMinutes} minutes.`,
        )
      : new ApiError("invalid_input", "The current password is wrong; nothing was changed.");
  }
  if (check.id !== user.id) throw new ApiError("not_found", "Your account was not found: sign in again.");
  const changed = await setUserPasswordHash({ id: user.id, passwordHash: await hashPassword(change.newPassword) });
  if (!changed) throw new ApiError("not_found", "Your account was not found: sign in again.");
  logger.info({ event: "user.password_changed", userId: user.id }, "user changed their own password");
}
