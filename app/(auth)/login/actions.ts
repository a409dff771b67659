"use server";

import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth/auth";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { signInSchema } from "@/lib/users/schemas";
import { SIGN_IN_LIMIT } from "@/lib/users/sign-in-limit";

export type SignInResult = { ok: false; error: string; email: string } | null;

const DATABASE_MESSAGE = "The database is unavailable right now, so nobody can sign in. Try again in a few seconds.";
const LOCKED_MESSAGE = `Too many failed sign-ins for this email. Try again in ${SIGN_IN_LIMIT.lockMinutes} minutes.`;

/** Only same-site paths, so a crafted link cannot bounce a fresh session elsewhere. */
function safeCallback(raw: FormDataEntryValue | null): string {
  const value = typeof raw === "string" ? raw : "";
  return value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/models";
}

export async function signInAction(_prev: SignInResult, formData: FormData): Promise<SignInResult> {
  const email = String(formData.get("email") ?? "");
  const parsed = signInSchema.safeParse({ email, password: formData.get("password") ?? "" });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Check the form.", email };
  try {
    // On success next-auth sets the session cookie and throws Next's redirect.
    await signIn("credentials", { ...parsed.data, redirectTo: safeCallback(formData.get("callbackUrl")) });
    return null;
  } catch (error) {
    // next-auth reports any failure inside the credential check as a sign-in error:
    // a database outage must not read as a wrong password.
    if (isDatabaseUnavailable(error)) return { ok: false, error: DATABASE_MESSAGE, email };
    // One message for every failure, so the form does not tell which emails exist. A lock
    // applies to any email typed, so saying so tells nothing either.
    if (error instanceof AuthError && (error as { code?: string }).code === "sign_in_locked") {
      return { ok: false, error: LOCKED_MESSAGE, email };
    }
    if (error instanceof AuthError) return { ok: false, error: "Wrong email or password.", email };
    throw error;
  }
}
