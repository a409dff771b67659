// Redirects signed-out visitors to /login. The JSON API (/api, /v1) and /metrics are
// left to their own key and session checks, and pages re-check the user's role themselves.
// Before either, a path whose %-escapes are not UTF-8 is refused: Next would fail
// to decode it before any route runs and answer a bare 500.

import type { NextFetchEvent, NextRequest } from "next/server";
import NextAuth from "next-auth";
import { ApiError } from "@/lib/api/errors";
import { hasMalformedEncoding } from "@/lib/api/model-name";
import { toErrorResponse } from "@/lib/api/respond";
import { authConfig } from "@/lib/auth/auth.config";

const { auth } = NextAuth(() => ({ ...authConfig, secret: process.env.AUTH_SECRET }));
const redirectSignedOut = auth as unknown as (req: NextRequest, event: NextFetchEvent) => Promise<Response | undefined>;

export default function proxy(req: NextRequest, event: NextFetchEvent) {
  const { pathname } = req.nextUrl;
  const api = /^\/(api|v1)\//.test(pathname) || /^\/metrics\/?$/.test(pathname);
  if (hasMalformedEncoding(pathname)) {
    const message = "The URL is not validly percent-encoded: each %XX must be part of a UTF-8 character.";
    if (api) return toErrorResponse(new ApiError("invalid_input", message), { openai: pathname.startsWith("/v1/") });
    return new Response(`Bad request. ${message}\n`, { status: 400, headers: { "content-type": "text/plain" } });
  }
  if (api) return undefined;
  return redirectSignedOut(req, event);
}

export const config = {
  // Pages (signed-out redirect; /metrics passes through), and API paths only when they hold a %-escape.
  matcher: ["/((?!api/|v1/|_next/|favicon.ico|login).*)", "/((?:api|v1)/.*%.*)"],
};
