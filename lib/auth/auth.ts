import "server-only";
import NextAuth, { AuthError, CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { logger } from "@/lib/log/logger";
import { signInSchema } from "@/lib/users/schemas";
import { authConfig } from "./auth.config";
import { checkAndRecordSignIn } from "./check-sign-in";

/** Too many failed sign-ins for this email: the form says so instead of "wrong password". */
export class SignInLocked extends CredentialsSignin {
  code = "sign_in_locked";
}

/** A sign-in that next-auth refused (as opposed to the redirect that follows a success, or a crash). */
export function isSignInRefused(error: unknown): boolean {
  return error instanceof AuthError;
}

// The config is built per request so the secret is read after server start has
// put the generated AUTH_SECRET into the environment (lib/settings/auth-secret.ts).
export const {
  handlers: { GET, POST },
  auth,
  signIn,
  signOut,
} = NextAuth(() => ({
  ...authConfig,
  secret: process.env.AUTH_SECRET,
  // next-auth prints multi-line stack traces (a wrong password is an "error" to it);
  // keep the log JSON lines.
  logger: {
    error: (error: Error) =>
      logger.info(
        { event: "auth.error", type: error.name, code: (error as { code?: string }).code },
        "sign-in refused",
      ),
    warn: (code: string) => logger.warn({ event: "auth.warn", code }, "next-auth warning"),
    debug: () => {},
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const check = await checkAndRecordSignIn(parsed.data);
        if (check.ok) return { id: check.id };
        throw check.reason === "locked" ? new SignInLocked() : new CredentialsSignin();
      },
    }),
  ],
}));
