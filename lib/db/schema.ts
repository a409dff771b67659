import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { Artifact, MemorySummary, Variant } from "./manifest-types";
import type {
  CandidateCommit,
  FollowPolicy,
  PreviousCommit,
  UpstreamCheckError,
  UpstreamDiff,
  UpstreamReason,
  UpstreamState,
} from "./upstream-types";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};

// The manifest (variants + artifacts) lives in JSONB columns of the model row rather
// than an artifacts table: it is written once at registration, pinned to a commit,
// never updated, and always read whole (one row → one manifest response). No query
// filters on individual artifacts, so a child table would only add joins and
// a multi-row write to every registration.
export const models = pgTable(
  "models",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    source: text("source").notNull().default("hf"),
    repo: text("repo").notNull(),
    filename: text("filename"),
    /** The quantization asked for (`owner/repo:Q4_K_M`): upstream checks choose its file again, so a re-sharded quant is an update, not gone. */
    quant: text("quant"),
    revision: text("revision").notNull(),
    commit: text("commit").notNull(),
    displayName: text("display_name").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    tags: jsonb("tags").$type<string[]>().notNull().default([]),
    lastModified: timestamp("last_modified", { withTimezone: true }),
    gated: text("gated"),
    formats: jsonb("formats").$type<string[]>().notNull().default([]),
    warnings: jsonb("warnings").$type<string[]>().notNull().default([]),
    variants: jsonb("variants").$type<Variant[]>().notNull(),
    artifacts: jsonb("artifacts").$type<Artifact[]>().notNull(),
    /** The context and smallest need of `variants` (summarizeMemory), for listings; null before fit was known. */
    memory: jsonb("memory").$type<MemorySummary>(),
    // Following upstream (docs/upstream.md): what the revision's head was when last checked,
    // and how it differs from the pinned commit. Null state: never checked yet.
    follow: text("follow").$type<FollowPolicy>().notNull().default("manual"),
    upstreamState: text("upstream_state").$type<UpstreamState>(),
    upstreamCommit: text("upstream_commit"),
    upstreamCheckedAt: timestamp("upstream_checked_at", { withTimezone: true }),
    /** When the head now upstream was first seen. */
    upstreamSeenAt: timestamp("upstream_seen_at", { withTimezone: true }),
    upstreamDiff: jsonb("upstream_diff").$type<UpstreamDiff>(),
    /** Why upstream is gone. */
    upstreamReason: jsonb("upstream_reason").$type<UpstreamReason>(),
    /** The last check's failure (Hub down, rate limit, token refused), until a check succeeds; the state found before stays. */
    upstreamCheckError: jsonb("upstream_check_error").$type<UpstreamCheckError>(),
    /** When the periodic check takes this model next; claimed by one instance at a time. */
    upstreamNextCheckAt: timestamp("upstream_next_check_at", { withTimezone: true }),
    // A staged update: the commit nodes download beside the current one, with its manifest.
    candidate: jsonb("candidate").$type<CandidateCommit>(),
    // The commit current before the last promotion or rollback, kept for a rollback.
    previous: jsonb("previous").$type<PreviousCommit>(),
    ...timestamps,
  },
  (t) => [
    index("models_upstream_next_check_idx").on(t.upstreamNextCheckAt),
    // Case-insensitive uniqueness is enforced by the database, so concurrent
    // duplicate registrations cannot both win.
    uniqueIndex("models_name_lower_idx").on(sql`lower(${t.name})`),
    index("models_created_at_idx").on(t.createdAt),
  ],
);

// A single-row counter bumped in the same transaction as every registration and
// deletion: it is the listing's ETag and the cache key for serialized listings, and
// it is shared by every server instance through PostgreSQL.
// `syncVersion` moves when a node's reported state for a model changes state (not on
// every progress tick), so cached /v1/models bodies are rebuilt only when `ready`
// or the sync summary can have changed.
export const registryState = pgTable("registry_state", {
  id: integer("id").primaryKey().default(1),
  version: bigint("version", { mode: "number" }).notNull().default(0),
  syncVersion: bigint("sync_version", { mode: "number" }).notNull().default(0),
  ...timestamps,
});

export const nodes = pgTable(
  "nodes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    runtimes: jsonb("runtimes").$type<string[]>().notNull().default([]),
    formats: jsonb("formats").$type<string[]>().notNull().default([]),
    gpus: jsonb("gpus").$type<{ name: string; memory_bytes: number }[]>().notNull().default([]),
    memoryBytes: bigint("memory_bytes", { mode: "number" }),
    freeDiskBytes: bigint("free_disk_bytes", { mode: "number" }),
    agentVersion: text("agent_version"),
    apiKeyId: uuid("api_key_id").references(() => apiKeys.id, { onDelete: "set null" }),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    // The delta protocol (docs/sync-protocol.md): the agent's session, the last change
    // applied from it, and the XOR of report_hash over the node's states.
    syncSession: text("sync_session"),
    syncSeq: bigint("sync_seq", { mode: "number" }).notNull().default(0),
    stateDigest: bigint("state_digest", { mode: "bigint" }).notNull().default(sql`0`),
    ...timestamps,
  },
  (t) => [uniqueIndex("nodes_name_lower_idx").on(sql`lower(${t.name})`)],
);

export const nodeModelStates = pgTable(
  "node_model_states",
  {
    nodeId: uuid("node_id")
      .notNull()
      .references(() => nodes.id, { onDelete: "cascade" }),
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    state: text("state").$type<"pending" | "downloading" | "ready" | "error" | "unsupported">().notNull(),
    variant: text("variant"),
    bytesDone: bigint("bytes_done", { mode: "number" }),
    bytesTotal: bigint("bytes_total", { mode: "number" }),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    // 64 bits of the sha256 of the entry as the node reported it (lib/api/sync-digest.ts).
    reportHash: bigint("report_hash", { mode: "bigint" }).notNull().default(sql`0`),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.nodeId, t.modelId] }), index("node_model_states_model_idx").on(t.modelId)],
);

/**
 * What nodes report of a model's candidate or previous commit (a node reports a model once
 * per commit it holds): apart from node_model_states, so `ready`, /v1/models and every
 * count keep following the current commit whatever a staged update does. A promotion or
 * rollback swaps rows between the two tables in one transaction.
 */
export const nodeCommitStates = pgTable(
  "node_commit_states",
  {
    nodeId: uuid("node_id")
      .notNull()
      .references(() => nodes.id, { onDelete: "cascade" }),
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    commit: text("commit").notNull(),
    state: text("state").$type<"pending" | "downloading" | "ready" | "error" | "unsupported">().notNull(),
    variant: text("variant"),
    bytesDone: bigint("bytes_done", { mode: "number" }),
    bytesTotal: bigint("bytes_total", { mode: "number" }),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    reportHash: bigint("report_hash", { mode: "bigint" }).notNull().default(sql`0`),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.nodeId, t.modelId, t.commit] }),
    index("node_commit_states_model_idx").on(t.modelId, t.commit),
  ],
);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name"),
    passwordHash: text("password_hash").notNull(),
    role: text("role").$type<"admin" | "viewer">().notNull().default("viewer"),
    disabled: boolean("disabled").notNull().default(false),
    // Sessions signed in before this are void: a JWT cannot be recalled, and a request
    // in flight at sign-out could set the cookie again.
    sessionsRevokedAt: timestamp("sessions_revoked_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [uniqueIndex("users_email_lower_idx").on(sql`lower(${t.email})`)],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    scope: text("scope").$type<"admin" | "node" | "reader">().notNull(),
    // SHA-256 of the whole key; the key itself is shown once and never stored.
    keyHash: text("key_hash").notNull(),
    // First characters of the key, so people can tell keys apart in the list.
    prefix: text("prefix").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [uniqueIndex("api_keys_key_hash_idx").on(t.keyHash)],
);

// Server-wide settings that every instance must agree on (e.g. the generated
// AUTH_SECRET that signs console sessions), so they live in the shared database.
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  ...timestamps,
});

/**
 * Failed sign-ins per email as typed (trimmed, lower-cased), whether or not a user has it,
 * so that a lock says nothing about which emails exist. Kept in the database so every
 * server instance counts the same failures.
 */
export const signInFailures = pgTable("sign_in_failures", {
  email: text("email").primaryKey(),
  failures: integer("failures").notNull(),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
});

/**
 * Every change of a model's commit, and upstream seen moving or going away: when, who
 * (a user's email, an API key's name, `upstream-check` or `webhook`) and from/to commits.
 */
export const modelHistory = pgTable(
  "model_history",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actor: text("actor").notNull(),
    action: text("action").$type<HistoryAction>().notNull(),
    fromCommit: text("from_commit"),
    toCommit: text("to_commit"),
    detail: text("detail"),
  },
  (t) => [index("model_history_model_idx").on(t.modelId, t.at)],
);

export type HistoryAction =
  | "registered"
  | "upstream_moved"
  | "upstream_gone"
  | "upstream_back"
  | "follow_changed"
  | "staged"
  | "promoted"
  | "rolled_back"
  | "cancelled";

/**
 * The activity log: every change a person or key made (or tried to make), and sign-ins.
 * Appended only, never updated, so no updated_at. Never holds a secret: callers pass
 * names, emails and ids, and lib/activity/record.ts cuts every text to a bound.
 */
export const activityEntries = pgTable(
  "activity_entries",
  {
    // A sequence, not a uuid: the API pages by it (`before`), newest first.
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** A user's email, `key "name"`, LLMLB_ADMIN_KEY, or the email typed at a sign-in. */
    actor: text("actor").notNull(),
    /** `model.registered`, `key.revoked`, `sign_in`, … (lib/api/activity-schemas.ts lists them). */
    action: text("action").notNull(),
    /** What it acted on: a model's name, a key's, a user's email, a node's name. */
    target: text("target"),
    outcome: text("outcome").$type<ActivityOutcome>().notNull(),
    /** The error code of a refused action (model_not_found, conflict, …). */
    errorCode: text("error_code"),
    detail: text("detail"),
  },
  (t) => [index("activity_entries_action_idx").on(t.action, t.id)],
);

/** refused: the action's own rule said no (an ApiError); failed: anything else (a 500, the database). */
export type ActivityOutcome = "ok" | "refused" | "failed";

export type Model = typeof models.$inferSelect;
export type ModelHistoryRow = typeof modelHistory.$inferSelect;
export type NewModel = typeof models.$inferInsert;
export type Node = typeof nodes.$inferSelect;
export type NewNode = typeof nodes.$inferInsert;
export type NodeModelState = typeof nodeModelStates.$inferSelect;
export type NewNodeModelState = typeof nodeModelStates.$inferInsert;
export type NodeCommitState = typeof nodeCommitStates.$inferSelect;
export type NewNodeCommitState = typeof nodeCommitStates.$inferInsert;
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type ApiKey = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;
export type Setting = typeof settings.$inferSelect;
export type ActivityEntry = typeof activityEntries.$inferSelect;
export type NewActivityEntry = typeof activityEntries.$inferInsert;
