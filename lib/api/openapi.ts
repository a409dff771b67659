// The OpenAPI 3.1 document of the JSON API, built from the same zod schemas the
// handlers parse requests with (and tests check responses against), so the
// document cannot drift from the code.
import { z } from "zod";
import { activityActions, activityGroups, activityListSchema, activityPageLimit } from "./activity-schemas";
import {
  fitReportSchema,
  modelDetailSchema,
  modelHistorySchema,
  modelListSchema,
  modelSyncListSchema,
  nodeOverviewSchema,
  nodesOverviewSchema,
  promoteResponseSchema,
  registerResponseSchema,
  rolloutProgressSchema,
  v1ListSchema,
  v1ModelSchema,
} from "./model-schemas";
import {
  announceNodeResponseSchema,
  announceNodeSchema,
  manifestSchema,
  syncBodySchema,
  syncResponseSchema,
} from "./node-schemas";
import {
  apiErrorSchema,
  apiKeyListSchema,
  createdApiKeySchema,
  createKeyBodySchema,
  hfWebhookSchema,
  modelPatchSchema,
  openAiErrorSchema,
  promoteBodySchema,
  registerBodySchema,
  updateBodySchema,
} from "./schemas";

type Schema = z.ZodType;
type Op = {
  summary: string;
  auth: string;
  body?: Schema;
  /** The body may be left out (every field has a default). */
  bodyOptional?: boolean;
  ok: [number, Schema | null, string];
  errors: number[];
  params?: object[];
  openai?: boolean;
};

const json = (schema: Schema, io: "input" | "output") => ({
  "application/json": { schema: z.toJSONSchema(schema, { io, unrepresentable: "any" }) },
});

const errorText: Record<number, string> = {
  400: "Invalid input or malformed JSON",
  401: "Missing or invalid API key",
  403: "The key's scope does not allow this",
  404: "Not found",
  409: "Already registered (error.name is the existing model); for a check, registered at a commit or follow off; for a rollout step, nothing to stage, promote, roll back or cancel, a promotion not every serving node is ready for (error.not_ready names those nodes), or another step meanwhile (conflict)",
  413: "Request body too large",
  422: "No complete variant, not a model file, or more than a manifest holds (manifest_too_large)",
  424: "The Hub could not provide it (hf_repo_not_found, hf_revision_not_found, hf_file_not_found, hf_rate_limited, hf_unavailable)",
  503: "The database is unavailable (database_unavailable), or, for a heartbeat's full state, the server is storing too many at once (server_busy); retry after Retry-After seconds",
};

function operation(op: Op) {
  // Every operation reads the database (keys, sessions), so every one may answer 503.
  const errors = Object.fromEntries(
    [...op.errors, 503].map((status) => [
      String(status),
      { description: errorText[status], content: json(op.openai ? openAiErrorSchema : apiErrorSchema, "output") },
    ]),
  );
  const [status, schema, description] = op.ok;
  return {
    summary: op.summary,
    description: `Who: ${op.auth}.`,
    security: [{ bearer: [] }, { session: [] }],
    ...(op.params ? { parameters: op.params } : {}),
    ...(op.body ? { requestBody: { required: !op.bodyOptional, content: json(op.body, "input") } } : {}),
    responses: { [String(status)]: { description, ...(schema ? { content: json(schema, "output") } : {}) }, ...errors },
  };
}

const nameParam = {
  name: "name",
  in: "path",
  required: true,
  description: "Model name, e.g. hf/owner/repo or hf/owner/repo/file.gguf; slashes as path segments or %2F-encoded.",
  schema: { type: "string" },
};
const idParam = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const admin = "admin keys (or an admin's console session)";
const readers = "admin, node or reader keys (or any console session)";

export function buildOpenApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "llmlb console API",
      version: "1.0.0",
      description:
        "Registry of Hugging Face models for an LLM fleet: register by URL, serve pinned manifests to nodes, list models in OpenAI's shape.",
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An llmlb_… API key, or LLMLB_ADMIN_KEY" },
        session: { type: "apiKey", in: "cookie", name: "authjs.session-token", description: "A console session" },
        webhookSecret: {
          type: "apiKey",
          in: "header",
          name: "X-Webhook-Secret",
          description: "LLMLB_HF_WEBHOOK_SECRET",
        },
        metricsToken: {
          type: "http",
          scheme: "bearer",
          description: "LLMLB_METRICS_TOKEN, accepted by GET /metrics only",
        },
      },
    },
    paths: {
      "/api/models/register": {
        post: operation({
          summary: "Validate a Hugging Face reference against the Hub and store its manifest",
          auth: admin,
          body: registerBodySchema,
          ok: [201, registerResponseSchema, "Registered"],
          errors: [400, 401, 403, 409, 413, 422, 424],
        }),
      },
      "/api/models": {
        get: operation({
          summary:
            "The registry listing nodes poll: each model's current commit, a staged candidate and the previous commit kept until keep_until; ETag, If-None-Match → 304, ?wait=N long-poll",
          auth: readers,
          params: [
            { name: "wait", in: "query", schema: { type: "number", minimum: 0, maximum: 30 } },
            { name: "If-None-Match", in: "header", schema: { type: "string" } },
          ],
          ok: [200, modelListSchema, "The listing (304 when unchanged)"],
          errors: [400, 401, 403],
        }),
      },
      "/api/models/sync": {
        get: operation({
          summary:
            "Per model, the online nodes in each state, the bytes of its downloads in progress and the badge (sync) derived from those same counts; read live",
          auth: readers,
          params: [
            {
              name: "model",
              in: "query",
              description:
                "Only the models named (repeat it, up to 100: a page of a list; unregistered names are left out). One model alone is 404 when unregistered.",
              style: "form",
              explode: true,
              schema: { type: "array", maxItems: 100, items: { type: "string", minLength: 1, maxLength: 1200 } },
            },
          ],
          ok: [200, modelSyncListSchema, "Every registered model, by name"],
          errors: [400, 401, 404],
        }),
      },
      "/api/models/{name}": {
        get: operation({
          summary: "One registration with its manifest",
          auth: readers,
          params: [nameParam],
          ok: [200, modelDetailSchema, "The model"],
          errors: [401, 403, 404],
        }),
        patch: operation({
          summary:
            "Set the model's follow policy (manual: upstream changes are noticed and shown; auto: also staged and promoted once every serving node has them; off: never checked)",
          auth: admin,
          params: [nameParam],
          body: modelPatchSchema,
          ok: [200, modelDetailSchema, "The model as changed"],
          errors: [400, 401, 403, 404, 413],
        }),
        delete: operation({
          summary: "Delete a model; gone from every listing at once",
          auth: admin,
          params: [nameParam],
          ok: [204, null, "Deleted"],
          errors: [401, 403, 404],
        }),
      },
      "/api/models/{name}/check": {
        post: operation({
          summary:
            "Ask the Hub now for the revision's head; upstream shows current, update_available with the diff, or gone. What is served does not change",
          auth: admin,
          params: [nameParam],
          ok: [200, modelDetailSchema, "The model with upstream as just checked"],
          errors: [401, 403, 404, 409, 424],
        }),
      },
      "/api/models/{name}/update": {
        post: operation({
          summary:
            "Stage a candidate commit (default: the revision's head, checked first): nodes download its changed files beside the current commit, which keeps serving",
          auth: admin,
          params: [nameParam],
          body: updateBodySchema,
          bodyOptional: true,
          ok: [200, modelDetailSchema, "The model with rollout.candidate"],
          errors: [400, 401, 403, 404, 409, 413, 422, 424],
        }),
      },
      "/api/models/{name}/rollout": {
        get: operation({
          summary: "The staged update's progress: each node's state of the current commit and of the candidate",
          auth: readers,
          params: [nameParam],
          ok: [200, rolloutProgressSchema, "The progress (candidate null when nothing is staged)"],
          errors: [401, 403, 404],
        }),
      },
      "/api/models/{name}/promote": {
        post: operation({
          summary:
            "Make the candidate current in one step; refused (409) while an online node serving the model lacks it, unless force. The previous commit stays on nodes for LLMLB_ROLLBACK_GRACE",
          auth: admin,
          params: [nameParam],
          body: promoteBodySchema,
          bodyOptional: true,
          ok: [200, promoteResponseSchema, "The model as promoted; not_ready names the nodes left without it"],
          errors: [400, 401, 403, 404, 409, 413],
        }),
      },
      "/api/models/{name}/rollback": {
        post: operation({
          summary:
            "Serve the previous commit again: at once where an online node still holds it, else staged as the candidate",
          auth: admin,
          params: [nameParam],
          ok: [200, modelDetailSchema, "The model, rolled back (or with the previous commit staged)"],
          errors: [401, 403, 404, 409],
        }),
      },
      "/api/models/{name}/candidate": {
        delete: operation({
          summary: "Cancel the staged update: nodes drop its files; the current commit keeps serving",
          auth: admin,
          params: [nameParam],
          ok: [200, modelDetailSchema, "The model without a candidate"],
          errors: [401, 403, 404, 409],
        }),
      },
      "/api/models/{name}/fit": {
        get: operation({
          summary:
            "Where the model fits: each online node × each complete variant, in one GPU, split across GPUs, in system memory only, or not at all, at a context length (docs/fit.md)",
          auth: readers,
          params: [
            nameParam,
            {
              name: "context",
              in: "query",
              description: "Tokens of context; default the model's, at most 8,192",
              schema: { type: "integer", minimum: 1, maximum: 10_000_000 },
            },
          ],
          ok: [200, fitReportSchema, "The fit per node and variant"],
          errors: [400, 401, 403, 404],
        }),
      },
      "/api/models/{name}/history": {
        get: operation({
          summary: "Every change of the model's commit, and upstream seen moving or gone, newest first",
          auth: readers,
          params: [nameParam],
          ok: [200, modelHistorySchema, "The history"],
          errors: [401, 403, 404],
        }),
      },
      "/api/hooks/huggingface": {
        post: {
          ...operation({
            summary:
              "A Hugging Face webhook: the models following the repository are checked (the payload's commit is never trusted). 404 when LLMLB_HF_WEBHOOK_SECRET is not set",
            auth: "the Hub, with X-Webhook-Secret equal to LLMLB_HF_WEBHOOK_SECRET",
            body: hfWebhookSchema,
            ok: [
              202,
              z.object({ checking: z.array(z.string()), ignored: z.string().optional() }),
              "The models being checked (200 with ignored: not a model's content)",
            ],
            errors: [400, 401, 404, 413],
          }),
          security: [{ webhookSecret: [] }],
        },
      },
      "/api/models/registry/{name}/manifest.json": {
        get: operation({
          summary:
            "The manifest pinned to the commit, and a staged candidate's files in candidate (never calls the Hub); strong ETag, If-None-Match → 304",
          auth: readers,
          params: [nameParam, { name: "If-None-Match", in: "header", schema: { type: "string" } }],
          ok: [200, manifestSchema, "The manifest (304 when the client's copy is current)"],
          errors: [401, 403, 404],
        }),
      },
      "/v1/models": {
        get: operation({
          summary: "OpenAI-compatible list of every registered model with ready and sync",
          auth: "any valid key",
          ok: [200, v1ListSchema, "The list"],
          errors: [401],
          openai: true,
        }),
      },
      "/v1/models/{name}": {
        get: operation({
          summary: "One model in OpenAI's shape",
          auth: "any valid key",
          params: [nameParam],
          ok: [200, v1ModelSchema, "The model"],
          errors: [401, 404],
          openai: true,
        }),
      },
      "/api/nodes": {
        post: operation({
          summary: "A node announces itself (the same name updates the same node)",
          auth: "node or admin keys",
          body: announceNodeSchema,
          ok: [201, announceNodeResponseSchema, "Announced (200 when it already existed)"],
          errors: [400, 401, 403, 413],
        }),
        get: operation({
          summary: "Nodes with online state, hardware, per-state model counts and per-model sync",
          auth: readers,
          params: [
            {
              name: "model",
              in: "query",
              description:
                "Keep only this model's entry in each node's models (empty where the node has not reported it); 404 for an unregistered model. Not with summary.",
              schema: { type: "string", minLength: 1, maxLength: 1200 },
            },
            {
              name: "summary",
              in: "query",
              description: "true: every node's models is empty, the counts only. Not with model.",
              schema: { type: "string", enum: ["true", "false"] },
            },
          ],
          ok: [200, nodesOverviewSchema, "The nodes"],
          errors: [400, 401, 404],
        }),
      },
      "/api/nodes/{id}": {
        get: operation({
          summary: "One node with online state, hardware, counts and every model it reports",
          auth: readers,
          params: [idParam],
          ok: [200, nodeOverviewSchema, "The node"],
          errors: [401, 404],
        }),
        delete: operation({
          summary: "Forget a node",
          auth: admin,
          params: [idParam],
          ok: [204, null, "Forgotten"],
          errors: [401, 403, 404],
        }),
      },
      "/api/nodes/{id}/sync": {
        put: operation({
          summary:
            "Heartbeat: the node's per-model states, one entry per commit it holds (a full list, or with protocol 2 what changed: removed models, removed_commits)",
          auth: "the key that announced the node, or admin",
          params: [idParam],
          body: syncBodySchema,
          ok: [200, syncResponseSchema, "Recorded"],
          errors: [400, 401, 403, 404, 413],
        }),
      },
      "/api/keys": {
        post: operation({
          summary: "Create an API key (shown once, stored hashed)",
          auth: admin,
          body: createKeyBodySchema,
          ok: [201, createdApiKeySchema, "Created"],
          errors: [400, 401, 403, 413],
        }),
        get: operation({
          summary: "List keys",
          auth: admin,
          ok: [200, apiKeyListSchema, "The keys"],
          errors: [401, 403],
        }),
      },
      "/api/keys/{id}": {
        delete: operation({
          summary: "Revoke a key",
          auth: admin,
          params: [idParam],
          ok: [204, null, "Revoked"],
          errors: [401, 403, 404],
        }),
      },
      "/api/activity": {
        get: operation({
          summary:
            "The activity log, newest first: every change (models, keys, users, nodes), refused ones too, and sign-ins; never a secret",
          auth: admin,
          params: [
            {
              name: "limit",
              in: "query",
              description: `Entries in one page (default ${activityPageLimit.default})`,
              schema: { type: "integer", minimum: 1, maximum: activityPageLimit.max },
            },
            {
              name: "before",
              in: "query",
              description: "Only entries older than this id: the previous page's next_before",
              schema: { type: "integer", minimum: 1 },
            },
            {
              name: "action",
              in: "query",
              description: "One action, or a group (model, key, user, node, sign_in) for all of its actions",
              schema: { type: "string", enum: [...activityGroups, ...activityActions] },
            },
            {
              name: "actor",
              in: "query",
              description: "Part of who acted (an email, a key's name), any case",
              schema: { type: "string", minLength: 1, maxLength: 200 },
            },
            {
              name: "outcome",
              in: "query",
              schema: { type: "string", enum: ["ok", "refused", "failed"] },
            },
          ],
          ok: [200, activityListSchema, "One page of the log"],
          errors: [400, 401, 403],
        }),
      },
      "/api/health": {
        get: {
          summary: "Whether the database answers: for load balancers and the console's error page",
          security: [],
          responses: {
            "200": {
              description: "The database answers",
              content: json(z.object({ status: z.literal("ok"), database: z.literal("ok") }), "output"),
            },
            "503": { description: errorText[503], content: json(apiErrorSchema, "output") },
          },
        },
      },
      "/metrics": {
        get: {
          summary:
            "Prometheus text format: this instance's counters (registrations, Hub calls, heartbeats, listing cache, long-polls) and the fleet's gauges read from the database (README \"Metrics\")",
          description:
            "Who: reader or admin keys, any console session, or the bearer token LLMLB_METRICS_TOKEN. Node keys get 403.",
          security: [{ bearer: [] }, { session: [] }, { metricsToken: [] }],
          responses: {
            "200": {
              description: "The metrics (text/plain; version=0.0.4)",
              content: { "text/plain": { schema: { type: "string" } } },
            },
            "401": { description: errorText[401], content: json(apiErrorSchema, "output") },
            "403": { description: "A node key", content: json(apiErrorSchema, "output") },
            "503": { description: errorText[503], content: json(apiErrorSchema, "output") },
          },
        },
      },
      "/api/openapi.json": {
        get: {
          summary: "This document",
          security: [],
          responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: {} } } } },
        },
      },
    },
  };
}
