import "server-only";
import { ApiError } from "@/lib/api/errors";
import { toErrorResponse } from "@/lib/api/respond";
import type { ApiKeyScope } from "@/lib/db/queries/api-keys";
import { authenticateBearer, type Principal } from "./api-keys";
import { authenticateSession } from "./session-principal";

type Handler<C> = (req: Request, ctx: C, principal: Principal) => Promise<Response>;

const scopeNames: Record<ApiKeyScope, string> = { admin: "an admin", node: "a node", reader: "a reader" };

/**
 * The one place scopes are checked. A Bearer key decides when present; without the
 * header, a signed-in console session counts as its user's role. `scopes` lists the
 * key scopes allowed; every error thrown by the handler is turned into the API's
 * error envelope (OpenAI's shape for /v1).
 */
export function withApiKey<C>(handler: Handler<C>, opts: { scopes: ApiKeyScope[]; openai?: boolean }) {
  return async (req: Request, ctx: C): Promise<Response> => {
    try {
      const principal =
        (await authenticateBearer(req.headers.get("authorization"))) ?? (await authenticateSession(req));
      if (!principal) {
        throw new ApiError("unauthorized", "Missing API key: send 'Authorization: Bearer <API key>'.", {
          headers: { "www-authenticate": 'Bearer realm="llmlb"' },
        });
      }
      if (!opts.scopes.includes(principal.scope)) {
        const allowed = opts.scopes.map((s) => scopeNames[s]).join(" or ");
        throw new ApiError(
          "forbidden",
          principal.kind === "session"
            ? `This needs ${allowed} key or an admin account; you are signed in as a viewer.`
            : `This needs ${allowed} key; yours is ${scopeNames[principal.scope]} key.`,
        );
      }
      return await handler(req, ctx, principal);
    } catch (error) {
      return toErrorResponse(error, { openai: opts.openai });
    }
  };
}

export const anyScope: ApiKeyScope[] = ["admin", "node", "reader"];
