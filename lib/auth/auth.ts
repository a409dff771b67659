import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { signInSchema } from "@/lib/users/schemas";
import { verifyCredentials } from "@/lib/users/verify-credentials";
import { authConfig } from "./auth.config";

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
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const user = await verifyCredentials(parsed.data);
        if (!user) throw new CredentialsSignin();
        return { id: user.id };
      },
    }),
  ],
}));
