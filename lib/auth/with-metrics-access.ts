import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { toErrorResponse } from "@/lib/api/respond";
import { withApiKey } from "./with-api-key";

/**
 * Who may read GET /metrics: a reader or admin key, a signed-in console session, or the
 * bearer token LLMLB_METRICS_TOKEN, which a Prometheus server can hold without being
 * given a key to the registry (and which answers while the database does not). A node
 * key gets 403, anyone else 401.
 */
export function withMetricsAccess(handler: () => Promise<Response>) {
  const byKey = withApiKey(() => handler(), { scopes: ["reader", "admin"] });
  return async (req: Request, ctx: unknown): Promise<Response> => {
    if (!matchesMetricsToken(req.headers.get("authorization"))) return byKey(req, ctx);
    try {
      return await handler();
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

/** Compared as SHA-256 digests in constant time, so neither the token nor its length leaks through timing. */
function matchesMetricsToken(header: string | null): boolean {
  const token = process.env.LLMLB_METRICS_TOKEN;
  if (!token || !header) return false;
  const sent = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!sent) return false;
  return timingSafeEqual(digest(sent), digest(token));
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
