import "server-only";
import { toApiError } from "@/lib/api/respond";

export type ActionFailure = { ok: false; error: string; code?: string; name?: string };

/** Any error thrown by lib/ as the `{ ok: false }` answer of a server action, with the server's message. */
export function toActionFailure(error: unknown): ActionFailure {
  const apiError = toApiError(error);
  const name = typeof apiError.details?.name === "string" ? apiError.details.name : undefined;
  return { ok: false, error: apiError.message, code: apiError.code, ...(name ? { name } : {}) };
}
