import { z } from "zod";

/** Every action the activity log records, grouped by what it acts on (the part before the dot). */
export const activityActions = [
  "model.registered",
  "model.deleted",
  "model.follow_changed",
  "model.update_staged",
  "model.promoted",
  "model.rolled_back",
  "model.update_cancelled",
  "key.created",
  "key.revoked",
  "user.created",
  "user.role_changed",
  "user.disabled",
  "user.enabled",
  "user.password_reset",
  "user.password_changed",
  "user.deleted",
  "node.forgotten",
  "sign_in",
  "sign_in.locked_out",
] as const;

export type ActivityAction = (typeof activityActions)[number];

export const activityGroups = ["model", "key", "user", "node", "sign_in"] as const;

export const activityOutcomes = ["ok", "refused", "failed"] as const;

export const activityPageLimit = { default: 50, max: 200 } as const;

/** `GET /api/activity`'s query: a page of at most `limit` entries older than `before`, filtered. */
export const activityQuerySchema = z.object({
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(activityPageLimit.max, `limit must be at most ${activityPageLimit.max}`)
    .default(activityPageLimit.default),
  before: z.coerce
    .number({ error: "before must be an entry id" })
    .int("before must be an entry id")
    .min(1, "before must be an entry id")
    .max(Number.MAX_SAFE_INTEGER, "before must be an entry id")
    .optional(),
  action: z
    .enum([...activityActions, ...activityGroups], {
      error: `action must be one of ${activityGroups.join(", ")} or an action such as model.deleted`,
    })
    .optional(),
  actor: z.string().trim().min(1, "actor is empty").max(200, "actor is longer than 200 characters").optional(),
  outcome: z.enum(activityOutcomes, { error: "outcome must be ok, refused or failed" }).optional(),
});

export type ActivityQuery = z.infer<typeof activityQuerySchema>;

export const activityEntrySchema = z.object({
  id: z.number().int(),
  at: z.string().describe("ISO 8601"),
  actor: z.string().describe('A user\'s email, key "name", LLMLB_ADMIN_KEY, or the email typed at a sign-in'),
  action: z.enum(activityActions),
  target: z.string().nullable().describe("A model's name, a key's name, a user's email, a node's name"),
  outcome: z.enum(activityOutcomes),
  error_code: z.string().nullable().describe("Why it was refused or failed: the API's error code"),
  detail: z.string().nullable(),
});

export const activityListSchema = z.object({
  entries: z.array(activityEntrySchema).describe("Newest first"),
  next_before: z
    .number()
    .int()
    .nullable()
    .describe("Pass as ?before= for the next (older) page; null on the last page"),
});

export type ActivityEntryBody = z.infer<typeof activityEntrySchema>;
export type ActivityList = z.infer<typeof activityListSchema>;
