"use server";

import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth/auth";
import { signInSchema } from "@/lib/users/schemas";

export type SignInResult = { ok: false; error: string; email: string } | null;

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
    // One message for every failure, so the form does not tell which emails exist.
    if (error instanceof AuthError) return { ok: false, error: "Wrong email or password.", email };
    throw error;
  }
}
