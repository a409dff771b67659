import { z } from "zod";
import { hasControlCharacters } from "./control-chars";
import { ApiError } from "./errors";
import { followPolicyValues } from "./model-schemas";

export const followPolicySchema = z.enum(followPolicyValues, {
  error:
    "follow must be manual (notice upstream changes and show them), auto (stage them and promote when ready) or off (never check)",
});

const commitSchema = z
  .string({ error: "commit must be a string" })
  .regex(/^[0-9a-f]{40}$/i, "commit must be a 40-hex-digit commit of the model's repository")
  .transform((c) => c.toLowerCase());

/** `POST /api/models/{name}/update`: stage a commit (default: upstream's head). */
export const updateBodySchema = z.strictObject({ commit: commitSchema.optional() });

/** `POST /api/models/{name}/promote`: `force` promotes even though some nodes do not have the candidate ready. */
export const promoteBodySchema = z.strictObject({
  force: z.boolean({ error: "force must be true or false" }).optional(),
});

/** `PATCH /api/models/{name}`: what can change on a registration without re-registering it. */
export const modelPatchSchema = z.strictObject({ follow: followPolicySchema });

export const registerBodySchema = z.object({
  repo: z
    .string({ error: "repo must be a string: a Hugging Face URL or owner/repo" })
    .trim()
    .min(1, "repo is empty: paste a Hugging Face URL or owner/repo")
    .max(2048, "repo is longer than 2048 characters"),
  filename: z
    .string({ error: "filename must be a string" })
    .max(1024, "filename is longer than 1024 characters")
    .nullish(),
  display_name: z
    .string({ error: "display_name must be a string" })
    .trim()
    .max(200, "display_name is longer than 200 characters")
    // PostgreSQL refuses NUL in text: without this a NUL was a 500.
    .refine((name) => !hasControlCharacters(name), "display_name contains control characters")
    .nullish(),
  follow: followPolicySchema.optional(),
});

export const apiKeyScopeSchema = z.enum(["admin", "node", "reader"], {
  error: "scope must be one of admin, node, reader",
});
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

export const createKeyBodySchema = z.object({
  name: z
    .string({ error: "name must be a string" })
    .trim()
    .min(1, "name is empty: give the key a name people will recognise")
    .max(100, "name is longer than 100 characters"),
  scope: apiKeyScopeSchema,
});

/** The query of `GET /api/nodes`: every model's state (default), one model's, or counts only. */
export const nodesQuerySchema = z
  .object({
    model: z
      .string()
      .trim()
      .min(1, "model is empty: name a registered model, e.g. hf/owner/repo")
      .max(1200, "model is longer than 1200 characters")
      .optional(),
    summary: z.enum(["true", "false"], { error: "summary must be true or false" }).optional(),
  })
  .refine((q) => q.model === undefined || q.summary === undefined, {
    error: "use either model or summary, not both: ?model=NAME already leaves out every other model's state",
  })
  .transform(({ model, summary }) => ({ model, summary: summary === "true" }));

/** Models one `GET /api/models/sync` may name: a page of the console's list, with room to spare. */
export const maxSyncModels = 100;

/** `GET /api/models/sync?model=NAME…`: the models named (repeat `model`), or every model without it. */
export const modelSyncQuerySchema = z.strictObject(
  {
    model: z
      .array(
        z
          .string()
          .trim()
          .min(1, "model is empty: name a registered model, e.g. hf/owner/repo")
          .max(1200, "model is longer than 1200 characters"),
      )
      .max(maxSyncModels, `name at most ${maxSyncModels} models at once`),
  },
  { error: "the only query parameter is model" },
);

export const uuidSchema = z.uuid({ error: "not a valid id" });

/** One key in `GET /api/keys` (the secret is never listed). */
export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: apiKeyScopeSchema,
  prefix: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});

export type ApiKey = z.infer<typeof apiKeySchema>;

export const apiKeyListSchema = z.object({ keys: z.array(apiKeySchema) });
export type ApiKeyList = z.infer<typeof apiKeyListSchema>;

/** `POST /api/keys` → 201: the only time the key itself is shown. */
export const createdApiKeySchema = apiKeySchema.extend({ key: z.string() });

export const apiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }).catchall(z.unknown()),
});

export const openAiErrorSchema = z.object({
  error: z.object({ message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string() }),
});

/**
 * The part of a Hugging Face webhook payload the server reads (docs/upstream.md); other
 * fields are ignored, and the payload's commit is never trusted: it only triggers a check.
 */
export const hfWebhookSchema = z.object({
  event: z.object({
    action: z.string({ error: "event.action must be a string" }).max(100),
    scope: z.string({ error: "event.scope must be a string" }).max(200),
  }),
  repo: z.object({
    type: z.string({ error: "repo.type must be a string" }).max(50),
    name: z.string({ error: "repo.name must be a string" }).min(1).max(300),
  }),
});

/** Longest context a fit may be asked at: 10 million tokens, beyond any model's. */
export const maxFitContext = 10_000_000;

/** `?context=` of `GET /api/models/{name}/fit`: absent → the model's default; else a whole number of tokens. */
export function parseContextParam(value: string | null): number | undefined {
  if (value === null || value === "") return undefined;
  const tokens = /^\d{1,8}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(tokens) || tokens < 1 || tokens > maxFitContext) {
    throw new ApiError(
      "invalid_input",
      `context must be a whole number of tokens from 1 to ${maxFitContext.toLocaleString("en")}, not ${JSON.stringify(value.slice(0, 40))}.`,
    );
  }
  return tokens;
}
