import type { z } from "zod";
import type { ActionFailure } from "@/lib/api/action-failure";

/** A failure that names the form field it is about, so the form can show the message under it. */
export type FieldFailure = ActionFailure & { field?: string };

/** The first problem with a user form's input, in the schema's own words (no path prefix). */
export function toFieldFailure(error: z.ZodError): FieldFailure {
  const issue = error.issues[0];
  const field = typeof issue?.path[0] === "string" ? issue.path[0] : undefined;
  return { ok: false, code: "invalid_input", error: issue?.message ?? "Check the form.", ...(field ? { field } : {}) };
}
