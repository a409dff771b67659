import "server-only";
import { getToken } from "next-auth/jwt";
import { ApiError } from "@/lib/api/errors";
import type { Principal } from "./api-keys";
import { getSessionUser } from "./session-revocation";

const cookieNames = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

/**
 * A signed-in console session counts as its user's role on the JSON API (admin →
 * admin scope, viewer → reader). Decodes next-auth's session cookie straight from
 * the Request, so it works outside a Next request scope too. Null when there is no
 * session cookie or it does not decode; 401 for a disabled or removed user.
 */
export async function authenticateSession(req: Request): Promise<Principal | null> {
  const cookie = req.headers.get("cookie");
  if (!cookie || !process.env.AUTH_SECRET) return null;
  const cookieName = cookieNames.find((name) => cookie.includes(`${name}=`) || cookie.includes(`${name}.0=`));
  if (!cookieName) return null;
  let userId: string | undefined;
  let signedInAt = 0;
  try {
    const token = await getToken({
      req: { headers: req.headers },
      secret: process.env.AUTH_SECRET,
      cookieName,
      salt: cookieName,
      secureCookie: cookieName.startsWith("__Secure-"),
    });
    userId = token?.sub;
    signedInAt = Number(token?.signedInAt ?? 0);
  } catch {
    return null;
  }
  if (!userId) return null;
  const user = await getSessionUser({ userId, signedInAt });
  if (!user) {
    throw new ApiError("unauthorized", "Your console session is no longer valid: sign in again.");
  }
  assertSameOrigin(req);
  return { kind: "session", userId: user.id, scope: user.role === "admin" ? "admin" : "reader" };
}

// Cookies ride along on cross-site requests a browser is tricked into sending, so a
// session may change things only from the console's own origin (API keys are not
// sent automatically and need no such check).
function assertSameOrigin(req: Request): void {
  if (req.method === "GET" || req.method === "HEAD") return;
  const origin = req.headers.get("origin");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (origin && host && hostOf(origin) === host) return;
  throw new ApiError("forbidden", "Changes with a console session must come from the console itself.");
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
