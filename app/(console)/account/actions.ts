"use server";

import { toActionFailure } from "@/lib/api/action-failure";
import { isSignInRefused, signIn } from "@/lib/auth/auth";
import { authorizeAction } from "@/lib/auth/current-user";
import { type FieldFailure, toFieldFailure } from "@/lib/users/field-failure";
import { changeOwnPassword } from "@/lib/users/own-password";
import { ownPasswordChangeSchema } from "@/lib/users/schemas";

export type OwnPasswordResult = { ok: true; message: string; signedOut?: boolean } | FieldFailure;

/** Anyone signed in changes their own password, with the current one; their other sessions end. */
export async function changeOwnPasswordFromConsole(
  _prev: OwnPasswordResult | null,
  formData: FormData,
): Promise<OwnPasswordResult> {
  const { user: me, failure } = await authorizeAction(["admin", "viewer"]);
  if (failure) return failure;
  const input = ownPasswordChangeSchema.safeParse({
    currentPassword: formData.get("currentPassword") ?? "",
    newPassword: formData.get("newPassword") ?? "",
    confirmPassword: formData.get("confirmPassword") ?? "",
  });
  if (!input.success) return toFieldFailure(input.error);
  try {
    await changeOwnPassword({ user: me, change: input.data });
  } catch (error) {
    const answer = toActionFailure(error);
    return answer.code === "invalid_input" ? { ...answer, field: "currentPassword" } : answer;
  }
  // The change ended every session of this account, this one too. Sign this browser in
  // again with the new password, so only the others are signed out, and go to the page
  // anew: a render in this request would still see the old session and leave for /login.
  try {
    await signIn("credentials", {
      email: me.email,
      password: input.data.newPassword,
      redirectTo: "/account?password=changed",
    });
  } catch (error) {
    if (isSignInRefused(error)) {
      return { ok: true, signedOut: true, message: "Your password was changed. Sign in again with the new one." };
    }
    throw error; // the redirect that follows a successful sign-in
  }
  return { ok: true, message: "Your password was changed." };
}
