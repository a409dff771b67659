// Wire schemas shared by the server's node endpoints and the node agent (cli/),
// so both sides validate the same shapes.
import { z } from "zod";
import { hasControlCharacters } from "./control-chars";

export const modelFormatSchema = z.enum(["gguf", "safetensors", "onnx", "metal"], {
  error: "formats must be among gguf, safetensors, onnx, metal",
});

const bytes = z.number({ error: "must be a number of bytes" }).int().nonnegative().max(Number.MAX_SAFE_INTEGER);

// PostgreSQL refuses NUL in text, and no name a person reads needs a control character:
// refused where a node sends them, so one bad string is a 400 or a refused entry, not a 500.
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !hasControlCharacters(value), "must not contain control characters")
    // PostgreSQL stores a lone surrogate as U+FFFD: the stored value would never equal the
    // sent one again, and every heartbeat would count as a change.
    .refine((value) => value.isWellFormed(), "must be valid Unicode (it has a lone surrogate)");

export const announceNodeSchema = z.object({
  name: z
    .string({ error: "name must be a string" })
    .trim()
    .min(1, "name is empty")
    .max(100, "name is longer than 100 characters")
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "name may use letters, digits, '.', '_' and '-'"),
  runtimes: z.array(text(100).trim().min(1)).max(20).default([]),
  formats: z.array(modelFormatSchema).max(4).default(["gguf", "safetensors", "onnx"]),
  gpus: z
    .array(z.object({ name: text(200).trim().min(1), memory_bytes: bytes }))
    .max(64)
    .default([]),
  memory_bytes: bytes.nullish(),
  free_disk_bytes: bytes.nullish(),
  agent_version: text(100).nullish(),
});
export type AnnounceNode = z.infer<typeof announceNodeSchema>;

export const announceNodeResponseSchema = z.object({
  id: z.string(),
  name: z.string(),
  heartbeat_interval_s: z.number(),
});

export const nodeModelStateSchema = z.enum(["pending", "downloading", "ready", "error", "unsupported"]);

/**
 * Bounds of one sync entry's fields. The agent trims what it reports to them; the server
 * refuses an entry beyond them (that entry only: the rest of the heartbeat is stored).
 */
export const SYNC_ENTRY_LIMITS = { name: 1200, variant: 300, code: 100, message: 2000 } as const;

/** Most entries one heartbeat may carry (a full snapshot of a large registry). */
export const MAX_SYNC_ENTRIES = 50_000;

/** Most bytes of one heartbeat's body (every other request body: 64 KB). */
export const MAX_SYNC_BODY_BYTES = 4 * 1024 * 1024;

const commitSchema = z
  .string()
  .regex(/^[0-9a-f]{40}$/i, "commit must be the 40-hex-digit commit the registry lists for the model");

export const syncModelSchema = z.object({
  name: text(SYNC_ENTRY_LIMITS.name).min(1),
  state: nodeModelStateSchema,
  variant: text(SYNC_ENTRY_LIMITS.variant).nullish(),
  bytes_done: bytes.nullish(),
  bytes_total: bytes.nullish(),
  error: z
    .object({
      code: text(SYNC_ENTRY_LIMITS.code).min(1),
      // Free text: the server drops control characters (but new lines) instead of refusing it.
      message: z.string().max(SYNC_ENTRY_LIMITS.message),
    })
    .nullish(),
  /**
   * The commit this state is about. A node reports a model once per commit it holds: the
   * current one, and a staged candidate or the previous commit beside it. A state for any
   * other commit (the model was deleted and registered again meanwhile) counts as the
   * current commit's `pending` when the node reports nothing else of the current commit,
   * and is otherwise kept apart (lib/nodes/sync-rules.ts).
   */
  commit: commitSchema.nullish(),
});
export type SyncModel = z.infer<typeof syncModelSchema>;

/** What a heartbeat should look like (the OpenAPI document and the agent's types). */
/**
 * The delta protocol (docs/sync-protocol.md). Without `protocol`, a heartbeat is the node's
 * full list (agents before the protocol); with `protocol: 2` it carries what changed since
 * the last change the server acknowledged, unless `full`.
 */
const deltaFields = {
  protocol: z.literal(2).optional(),
  /** Random per agent run (and per announce): a change numbered in another session means nothing here. */
  session: z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, "session must be a short random id")
    .optional(),
  /** The number of the newest change this heartbeat includes. */
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  /** `models` is the whole state: the stored set becomes exactly it. */
  full: z.boolean().optional(),
  /** Models the node no longer holds, since the last acknowledged change. */
  removed: z.array(z.string().max(SYNC_ENTRY_LIMITS.name)).max(MAX_SYNC_ENTRIES).optional(),
  /**
   * A commit of a model the node no longer holds beside the current one (a candidate
   * cancelled, a previous commit past its grace), since the last acknowledged change.
   */
  removed_commits: z
    .array(z.object({ name: z.string().max(SYNC_ENTRY_LIMITS.name), commit: commitSchema }))
    .max(MAX_SYNC_ENTRIES)
    .optional(),
  /** XOR of the 64-bit hashes of every entry the node holds (lib/api/sync-digest.ts). */
  digest: z
    .string()
    .regex(/^[0-9a-f]{16}$/, "digest must be 16 hex digits")
    .optional(),
  /** The registry listing the node's state reflects; the digest is compared only when it is current. */
  registry_etag: z.string().max(200).optional(),
};

/** What a heartbeat should look like (the OpenAPI document and the agent's types). */
export const syncBodySchema = z.object({
  free_disk_bytes: bytes.nullish(),
  // Required: without `protocol: 2` a heartbeat is the node's full list, so a missing list
  // must not read as "I hold nothing" and wipe its states.
  models: z
    .array(syncModelSchema, { error: "models must be the list of every model this node knows" })
    .max(MAX_SYNC_ENTRIES),
  ...deltaFields,
});
export type SyncBody = z.infer<typeof syncBodySchema>;

/**
 * What the server parses a heartbeat with: only the envelope. Each entry is then checked
 * on its own (lib/nodes/read-sync-entries.ts), so that one bad entry, say a model whose
 * name or message a node cannot fit in the bounds, never costs the node its liveness.
 */
export const syncEnvelopeSchema = z.object({
  free_disk_bytes: z.unknown().optional(),
  models: z
    .array(z.unknown(), { error: "models must be the list of every model this node knows" })
    .max(MAX_SYNC_ENTRIES, `models may list at most ${MAX_SYNC_ENTRIES} entries`),
  ...deltaFields,
});
export type SyncEnvelope = z.infer<typeof syncEnvelopeSchema>;

/** An entry (or the free-disk figure, index null) the server did not store, and why. */
export const refusedSyncEntrySchema = z.object({
  index: z.number().int().nullable(),
  name: z.string().nullable(),
  reason: z.string(),
});
export type RefusedSyncEntry = z.infer<typeof refusedSyncEntrySchema>;

export const syncResponseSchema = z.object({
  heartbeat_interval_s: z.number(),
  registry_etag: z.string(),
  // Absent from servers older than per-entry validation.
  refused: z.array(refusedSyncEntrySchema).default([]),
  // The delta protocol; absent from servers that do not speak it (the agent then sends
  // its full list every time).
  /** The newest change of this session the server holds. */
  acked: z.number().int().nonnegative().optional(),
  /** Send the whole state next (first contact, another session, a digest that disagrees). */
  snapshot: z.boolean().optional(),
});
export type SyncResponse = z.infer<typeof syncResponseSchema>;

/** `GET /api/models` as nodes read it. */
export const registryListingSchema = z.object({
  models: z.array(
    z.object({
      name: z.string(),
      repo: z.string(),
      filename: z.string().nullable(),
      revision: z.string(),
      commit: z.string(),
      size_bytes: z.number(),
      manifest_url: z.string(),
      // Staged updates (docs/upstream.md); absent from servers before them.
      /** Download it beside the current commit (its files are in the manifest's `candidate`). */
      candidate: z.object({ commit: z.string() }).nullish(),
      /** Keep it, if held, until `keep_until`: a rollback then needs no download. */
      previous: z.object({ commit: z.string(), keep_until: z.string() }).nullish(),
    }),
  ),
});
export type RegistryListing = z.infer<typeof registryListingSchema>;

const byteCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** What a variant needs in memory (docs/fit.md; lib/db/manifest-types.ts VariantMemory). */
export const variantMemorySchema = z.object({
  architecture: z.string().nullable(),
  parameters: byteCount.nullable(),
  dtype: z.string().nullable(),
  context_length: byteCount.nullable(),
  kv_bytes_per_token: byteCount.nullable(),
  weight_bytes: byteCount,
  need: z
    .object({ context: byteCount, kv_cache_bytes: byteCount, overhead_bytes: byteCount, total_bytes: byteCount })
    .nullable(),
  unknown_reason: z.string().nullable(),
});

export type VariantMemoryDoc = z.infer<typeof variantMemorySchema>;

/** A commit's files as a manifest lists them: the current commit's, or a staged candidate's. */
const manifestFilesShape = {
  size_bytes: z.number(),
  variants: z.array(
    z.object({
      name: z.string(),
      format: modelFormatSchema,
      quant: z.string().nullable(),
      size_bytes: z.number(),
      complete: z.boolean(),
      files: z.array(z.string()),
      /** Absent from servers before fit, and from variants registered before it; unreadable counts as absent. */
      memory: variantMemorySchema.nullish().catch(null),
    }),
  ),
  artifacts: z.array(
    z.object({
      filename: z.string(),
      format: z.string(),
      size_bytes: z.number(),
      sha256: z.string().nullable(),
      /** The git blob sha1 the Hub reports; optional, as servers before it did not send it. */
      blob_id: z.string().nullable().optional(),
      url: z.string(),
      variant: z.string().nullable(),
      role: z.string(),
      quant: z.string().optional(),
    }),
  ),
};

export const manifestSchema = z.object({
  model: z.string(),
  repo: z.string(),
  revision: z.string(),
  commit: z.string(),
  gated: z.union([z.string(), z.boolean()]).nullish(),
  ...manifestFilesShape,
  /**
   * A staged update (docs/upstream.md): the commit nodes download beside the current one,
   * which keeps serving. Absent from servers before staged updates.
   */
  candidate: z.object({ commit: z.string(), ...manifestFilesShape }).nullish(),
});
export type ManifestDoc = z.infer<typeof manifestSchema>;

/** Error envelope of every non-/v1 endpoint. */
export const apiErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
