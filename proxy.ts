// Redirects signed-out visitors to /login. The JSON API (/api, /v1) is left to its
// own key and session checks, and pages re-check the user's role themselves.
import NextAuth from "next-auth";
import { authConfig } from "@/lib/auth/auth.config";

const { auth } = NextAuth(() => ({ ...authConfig, secret: process.env.AUTH_SECRET }));

export default auth;

export const config = {
  matcher: ["/((?!api/|v1/|_next/|favicon.ico|login).*)"],
};
