// Response schemas of the model endpoints (registration, listings, detail, /v1) and of
// GET /api/nodes: the one source of these wire types. The server's serializers
// (lib/registry/serialize.ts, lib/nodes/list-nodes.ts) are typed by them, the console
// renders them, and the CLI validates what it reads with them. Pure zod, no server code.
import { z } from "zod";
import type { FitReport } from "./fit";
import { manifestSchema, nodeModelStateSchema } from "./node-schemas";

const bytes = z.number().int().nonnegative();

export const variantSchema = manifestSchema.shape.variants.element.extend({
  missing: z.array(z.string()).default([]),
});
export type Variant = z.infer<typeof variantSchema>;

export const artifactSchema = manifestSchema.shape.artifacts.element;
export type Artifact = z.infer<typeof artifactSchema>;

/** What every listing says about a model's source, pinned commit and size (lib/registry/serialize.ts toIdentity). */
const identityShape = {
  display_name: z.string().nullable(),
  source: z.string(),
  repo: z.string(),
  filename: z.string().nullable(),
  revision: z.string(),
  commit: z.string(),
  size_bytes: bytes,
  formats: z.array(z.string()),
};

/** One entry of `GET /api/models`. */
export const modelSummarySchema = z.object({
  name: z.string(),
  ...identityShape,
  manifest_url: z.string(),
  created_at: z.string(),
  /** A staged update (docs/upstream.md): nodes download it beside the current commit. */
  candidate: z.object({ commit: z.string() }).nullable(),
  /** The commit current before the last promotion or rollback: nodes keep it until `keep_until`. */
  previous: z.object({ commit: z.string(), keep_until: z.string() }).nullable(),
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

/** `GET /api/models`. */
export const modelListSchema = z.object({ models: z.array(modelSummarySchema) });

const fileChangeSchema = z.object({
  filename: z.string(),
  variant: z.string().nullable(),
  size_bytes: bytes,
  old_size_bytes: bytes.optional(),
});

/** Pinned manifest → the one upstream's head gives (lib/registry/upstream-diff.ts). */
export const upstreamDiffSchema = z.object({
  from: z.string(),
  to: z.string(),
  added: z.array(fileChangeSchema),
  removed: z.array(fileChangeSchema),
  changed: z.array(fileChangeSchema),
  counts: z.object({ added: bytes, removed: bytes, changed: bytes, unchanged: bytes }),
  listed_max: z.number().int(),
  variants: z.array(
    z.object({
      name: z.string(),
      change: z.enum(["added", "removed", "changed", "unchanged"]),
      download_bytes: bytes,
      size_bytes: bytes,
      complete: z.boolean(),
    }),
  ),
});
export type UpstreamDiff = z.infer<typeof upstreamDiffSchema>;

/**
 * What the model's revision is upstream now (docs/upstream.md). `fixed`: registered at a
 * commit, never checked; `off`: its follow policy is off; `unchecked`: not checked yet.
 */
export const upstreamSchema = z.object({
  state: z.enum(["fixed", "off", "unchecked", "current", "update_available", "gone"]),
  /** The revision's head when last checked. */
  commit: z.string().nullable(),
  checked_at: z.string().nullable(),
  /** When that head was first seen. */
  seen_at: z.string().nullable(),
  /** Why it is gone. */
  reason: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Why the last check could not be made (Hub down, rate limit, token refused); the state is the one found before. */
  check_error: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
  diff: upstreamDiffSchema.nullable(),
});
export type Upstream = z.infer<typeof upstreamSchema>;

/** `GET /api/models/{name}`, and `model` in the registration answer. */
/** A model's staged update and previous commit, with the candidate's diff against the current commit. */
export const rolloutSchema = z.object({
  candidate: z
    .object({
      commit: z.string(),
      staged_at: z.string(),
      staged_by: z.string(),
      size_bytes: bytes,
      diff: upstreamDiffSchema,
    })
    .nullable(),
  previous: z.object({ commit: z.string(), keep_until: z.string() }).nullable(),
});

/** The models list's badge beside a name: a staged update, or upstream moved or gone. */
export type UpstreamNotice = "staged" | "update_available" | "gone";

export const followPolicyValues = ["manual", "auto", "off"] as const;

export const modelDetailSchema = modelSummarySchema.extend({
  follow: z.enum(followPolicyValues),
  upstream: upstreamSchema,
  rollout: rolloutSchema,
  tags: z.array(z.string()),
  last_modified: z.string().nullable(),
  /** false, or the Hub's "auto" | "manual". */
  gated: z.union([z.string(), z.boolean()]),
  warnings: z.array(z.string()),
  variants: z.array(variantSchema),
  artifacts: z.array(artifactSchema),
});
export type ModelDetail = z.infer<typeof modelDetailSchema>;

/** `GET /api/models/{name}/history`, newest first. */
export const modelHistorySchema = z.object({
  history: z.array(
    z.object({
      at: z.string(),
      actor: z.string(),
      action: z.enum([
        "registered",
        "upstream_moved",
        "upstream_gone",
        "upstream_back",
        "follow_changed",
        "staged",
        "promoted",
        "rolled_back",
        "cancelled",
      ]),
      from_commit: z.string().nullable(),
      to_commit: z.string().nullable(),
      detail: z.string().nullable(),
    }),
  ),
});
export type ModelHistory = z.infer<typeof modelHistorySchema>;

/** `GET /api/models/{name}/fit` (lib/api/fit.ts): each online node × each complete variant at one context. */
export const fitReportSchema = z.object({
  context: z.number().int().positive(),
  nodes: z.number().int().nonnegative(),
  fitting_nodes: z.number().int().nonnegative(),
  smallest_need: z.object({ variant: z.string(), bytes }).nullable(),
  unknown_reason: z.string().nullable(),
  details: z.array(
    z.object({
      node: z.string(),
      fits: z.boolean(),
      variants: z.array(
        z.object({
          variant: z.string(),
          fit: z.enum(["gpu", "gpu_split", "system_memory", "too_large", "unknown", "format_not_loaded"]),
          gpus: z.number().int().positive().nullable(),
          need_bytes: bytes.nullable(),
          available_bytes: bytes.nullable(),
        }),
      ),
    }),
  ),
  warning: z.string().nullable(),
});

export type FitReportDoc = z.infer<typeof fitReportSchema>;
/** lib/api/fit.ts builds what this schema describes: a change to one that the other lacks fails the type check. */
export const fitReportsAgree: [FitReport, FitReportDoc] extends [FitReportDoc, FitReport] ? true : never = true;

/** `POST /api/models/register` → 201. */
export const registerResponseSchema = z.object({
  name: z.string(),
  status: z.literal("registered"),
  model: modelDetailSchema,
  /** Where it fits on the nodes online at registration, at its default context (absent from servers before fit). */
  fit: fitReportSchema.optional(),
  warnings: z.array(z.string()),
  /** The Hub was unreachable and cached metadata was used. */
  stale: z.boolean(),
});
export type RegisterResponse = z.infer<typeof registerResponseSchema>;

/** One node in `GET /api/models/{name}/rollout`: its current state and its state of the candidate. */
export const rolloutNodeSchema = z.object({
  node_id: z.string(),
  node: z.string(),
  online: z.boolean(),
  /** Its state of the current commit, null when it does not report it. */
  current_state: nodeModelStateSchema.nullable(),
  /** Its state of the candidate, null when it does not report one (an older agent, or not yet). */
  state: nodeModelStateSchema.nullable(),
  variant: z.string().nullable(),
  bytes_done: bytes.nullable(),
  bytes_total: bytes.nullable(),
  error: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
  /** A promotion waits for it: online with the current commit ready, the candidate not ready. */
  holds_back: z.boolean(),
});

/** `GET /api/models/{name}/rollout`: the staged update's progress on every node. */
export const rolloutProgressSchema = z.object({
  candidate: z.string().nullable(),
  /** Online nodes with the current commit ready, and how many of them have the candidate ready. */
  needed: z.number().int().nonnegative(),
  ready: z.number().int().nonnegative(),
  /** True when a promotion would leave no node behind (`auto` promotes then). */
  promotable: z.boolean(),
  nodes: z.array(rolloutNodeSchema),
});
export type RolloutProgress = z.infer<typeof rolloutProgressSchema>;

/** `POST /api/models/{name}/promote`: the model, and the serving nodes left without the candidate (forced). */
export const promoteResponseSchema = modelDetailSchema.extend({ not_ready: z.array(z.string()) });

export const syncSummarySchema = z.object({
  state: z.enum(["registered", "syncing", "ready", "error"]),
  ready_nodes: z.number().int().nonnegative(),
  nodes: z.number().int().nonnegative(),
});
export type SyncSummary = z.infer<typeof syncSummarySchema>;

/** One model in `GET /api/models/sync`: its badge and the counts it is derived from, read at once. */
export const modelSyncSchema = z.object({
  name: z.string(),
  /** The same rule as `sync` in /v1/models, applied to the counts below. */
  sync: syncSummarySchema,
  /** Online nodes reporting the model in each state. */
  counts: z.object({
    ready: z.number().int().nonnegative(),
    downloading: z.number().int().nonnegative(),
    pending: z.number().int().nonnegative(),
    error: z.number().int().nonnegative(),
    unsupported: z.number().int().nonnegative(),
  }),
  /** Summed over the online nodes downloading it (with a known total): one progress bar. */
  bytes_done: bytes,
  bytes_total: bytes,
  /** The list's badge: a staged update, or (followed) upstream moved or gone; null for none. */
  upstream: z.enum(["staged", "update_available", "gone"]).nullable(),
});
export type ModelSync = z.infer<typeof modelSyncSchema>;

/** `GET /api/models/sync`. */
export const modelSyncListSchema = z.object({ models: z.array(modelSyncSchema) });
export type ModelSyncList = z.infer<typeof modelSyncListSchema>;

/** `GET /v1/models/{name}`: OpenAI's model object plus llmlb's fields. */
export const v1ModelSchema = z.object({
  id: z.string(),
  object: z.literal("model"),
  created: z.number(),
  owned_by: z.string(),
  ready: z.boolean(),
  ...identityShape,
  /** The longest context the model takes (docs/fit.md); null when its metadata did not say (absent before fit). */
  context_length: z.number().int().nullable().optional(),
  /** What its smallest complete variant needs in memory at `context` tokens; null when unknown (absent before fit). */
  memory_need: z.object({ variant: z.string(), bytes, context: z.number().int() }).nullable().optional(),
  sync: syncSummarySchema,
});
export type V1Model = z.infer<typeof v1ModelSchema>;

/** `GET /v1/models`. */
export const v1ListSchema = z.object({ object: z.literal("list"), data: z.array(v1ModelSchema) });
export type V1List = z.infer<typeof v1ListSchema>;

/** One model as a node reports it, in `GET /api/nodes`. */
export const nodeModelStatusSchema = z.object({
  name: z.string(),
  state: nodeModelStateSchema,
  variant: z.string().nullable(),
  bytes_done: bytes.nullable(),
  bytes_total: bytes.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  updated_at: z.string(),
});
export type NodeModelStatus = z.infer<typeof nodeModelStatusSchema>;

export const nodeOverviewSchema = z.object({
  id: z.string(),
  name: z.string(),
  online: z.boolean(),
  last_seen_at: z.string(),
  runtimes: z.array(z.string()),
  formats: z.array(z.string()),
  gpus: z.array(z.object({ name: z.string(), memory_bytes: bytes })),
  memory_bytes: bytes.nullable(),
  free_disk_bytes: bytes.nullable(),
  agent_version: z.string().nullable(),
  created_at: z.string(),
  /** Counts of the models this node reports in each state, whatever `models` holds. */
  models_ready: z.number().int().nonnegative(),
  models_downloading: z.number().int().nonnegative(),
  models_error: z.number().int().nonnegative(),
  models_registered: z.number().int().nonnegative(),
  /** Every model's state; one model's with `?model=NAME`; empty with `?summary=true`. */
  models: z.array(nodeModelStatusSchema),
});
export type NodeOverview = z.infer<typeof nodeOverviewSchema>;

/** `GET /api/nodes`. */
export const nodesOverviewSchema = z.object({ nodes: z.array(nodeOverviewSchema) });
export type NodesOverview = z.infer<typeof nodesOverviewSchema>;
