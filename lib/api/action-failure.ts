import "server-only";
import { toApiError } from "./respond";

/**
 * The `{ ok: false }` answer of every server action: the server's message, and its error
 * code and the model name it concerns where there is one (the console links to it).
 */
export type ActionFailure = { ok: false; error: string; code?: string; name?: string };

/** Any error thrown by lib/ as a server action's failure, with the server's message (as toErrorResponse answers the API). */
export function toActionFailure(error: unknown): ActionFailure {
  const apiError = toApiError(error);
  const name = typeof apiError.details?.name === "string" ? apiError.details.name : undefined;
  return { ok: false, error: apiError.message, code: apiError.code, ...(name ? { name } : {}) };
}
