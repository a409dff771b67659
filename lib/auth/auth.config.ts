import type { NextAuthConfig } from "next-auth";

// Edge-safe half of the next-auth setup (no database, no node:crypto): the proxy
// uses only this to tell signed-in visitors from signed-out ones.
export const authConfig = {
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
  // Self-hosted behind whatever proxy or load balancer the operator runs.
  trustHost: true,
  providers: [],
  callbacks: {
    authorized: ({ auth }) => Boolean(auth?.user),
    jwt({ token, user }) {
      // signedInAt survives the token's re-issues; sign-out voids sessions older than it.
      if (user?.id) {
        token.sub = user.id;
        token.signedInAt = Date.now();
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return Object.assign(session, { signedInAt: Number(token.signedInAt ?? 0) });
    },
  },
} satisfies NextAuthConfig;
