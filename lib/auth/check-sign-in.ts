import "server-only";
import { recordActivity, recordFailure } from "@/lib/activity/record";
import { checkSignIn, type SignInCheck } from "@/lib/users/verify-credentials";

/**
 * A console sign-in attempt: checked behind the lock (lib/users/verify-credentials.ts) and
 * recorded in the activity log under the email typed, whatever the outcome. The password
 * never reaches the log.
 */
export async function checkAndRecordSignIn(input: { email: string; password: string }): Promise<SignInCheck> {
  const actor = input.email.trim();
  let check: SignInCheck;
  try {
    check = await checkSignIn(input);
  } catch (error) {
    await recordFailure({ actor, action: "sign_in" }, error);
    throw error;
  }
  if (check.ok) await recordActivity({ actor, action: "sign_in", outcome: "ok" });
  else if (check.reason === "locked") {
    await recordActivity({
      actor,
      action: "sign_in.locked_out",
      outcome: "refused",
      errorCode: "sign_in_locked",
      detail: `too many failed sign-ins: locked until ${check.until.toISOString()}`,
    });
  } else await recordActivity({ actor, action: "sign_in", outcome: "refused", errorCode: "invalid_credentials" });
  return check;
}
