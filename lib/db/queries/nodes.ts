import "server-only";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { nodeOfflineAfterSeconds } from "@/lib/nodes/constants";
import { type Db, getDb } from "../client";
import { models, nodeModelStates, nodes, registryState } from "../schema";
import { rowsOf } from "./models";

/**
 * The most memory any registered node reports: its system memory or the sum of its
 * GPUs' memory, whichever is larger. Null when no node reports memory.
 */
export async function getLargestNodeMemory(): Promise<number | null> {
  const { db } = await getDb();
  const result = await db.execute<{ largest: string | null }>(sql`
    select max(greatest(
      coalesce(memory_bytes, 0),
      coalesce((select sum((g->>'memory_bytes')::bigint) from jsonb_array_elements(gpus) g), 0)
    ))::text as largest
    from nodes
  `);
  const largest = Number(rowsOf<{ largest: string | null }>(result)[0]?.largest ?? 0);
  return largest > 0 ? largest : null;
}

/** Insert a node, or update the one with the same name (case-insensitive). */
export async function upsertNode({ values, takeOver }: { values: NodeAnnouncement; takeOver: boolean }) {
  const { db } = await getDb();
  const v = values;
  const gpus = JSON.stringify(v.gpus);
  const runtimes = JSON.stringify(v.runtimes);
  const formats = JSON.stringify(v.formats);
  // drizzle's onConflict targets columns only; the uniqueness is on lower(name).
  const result = await db.execute<{ id: string; name: string; created: boolean }>(sql`
    insert into nodes (name, runtimes, formats, gpus, memory_bytes, free_disk_bytes, agent_version, api_key_id, last_seen_at)
    values (${v.name}, ${runtimes}::jsonb, ${formats}::jsonb, ${gpus}::jsonb, ${v.memoryBytes}, ${v.freeDiskBytes},
      ${v.agentVersion}, ${v.apiKeyId}, now())
    on conflict (lower(name)) do update set
      runtimes = excluded.runtimes, formats = excluded.formats, gpus = excluded.gpus,
      memory_bytes = excluded.memory_bytes, free_disk_bytes = excluded.free_disk_bytes,
      agent_version = excluded.agent_version, api_key_id = excluded.api_key_id,
      last_seen_at = now(), updated_at = now()
    where nodes.api_key_id is null or nodes.api_key_id = excluded.api_key_id or ${takeOver}::boolean
    returning id::text as id, name, (xmax = 0) as created
  `);
  // No row: the name belongs to a node announced with another key.
  return rowsOf<{ id: string; name: string; created: boolean }>(result)[0] ?? null;
}

export type NodeAnnouncement = {
  name: string;
  runtimes: string[];
  formats: string[];
  gpus: { name: string; memory_bytes: number }[];
  memoryBytes: number | null;
  freeDiskBytes: number | null;
  agentVersion: string | null;
  apiKeyId: string | null;
};

export async function getNodeById({ id }: { id: string }) {
  const { db } = await getDb();
  const [row] = await db
    .select({ id: nodes.id, name: nodes.name, apiKeyId: nodes.apiKeyId })
    .from(nodes)
    .where(eq(nodes.id, id))
    .limit(1);
  return row ?? null;
}

/** Every node; `online` is decided by the database clock, like readiness is. */
export async function listNodes() {
  const { db } = await getDb();
  return db
    .select({
      id: nodes.id,
      name: nodes.name,
      runtimes: nodes.runtimes,
      formats: nodes.formats,
      gpus: nodes.gpus,
      memoryBytes: nodes.memoryBytes,
      freeDiskBytes: nodes.freeDiskBytes,
      agentVersion: nodes.agentVersion,
      lastSeenAt: nodes.lastSeenAt,
      createdAt: nodes.createdAt,
      online: sql<boolean>`${nodes.lastSeenAt} > now() - make_interval(secs => ${nodeOfflineAfterSeconds})`,
    })
    .from(nodes)
    .orderBy(asc(nodes.name));
}

/** Every node's per-model states, or only one model's (through node_model_states_model_idx). */
export async function listNodeStates({ modelId }: { modelId?: string } = {}) {
  const { db } = await getDb();
  return db
    .select({
      nodeId: nodeModelStates.nodeId,
      model: models.name,
      state: nodeModelStates.state,
      variant: nodeModelStates.variant,
      bytesDone: nodeModelStates.bytesDone,
      bytesTotal: nodeModelStates.bytesTotal,
      errorCode: nodeModelStates.errorCode,
      errorMessage: nodeModelStates.errorMessage,
      updatedAt: nodeModelStates.updatedAt,
    })
    .from(nodeModelStates)
    .innerJoin(models, eq(models.id, nodeModelStates.modelId))
    .where(modelId ? eq(nodeModelStates.modelId, modelId) : undefined)
    .orderBy(asc(models.name));
}

/**
 * Per node, how many models it reports ready, downloading and failed: counted by the
 * database, so a summary never has to load the 100,000 state rows of a large fleet.
 */
export async function countNodeStates() {
  const { db } = await getDb();
  const counted = (state: NodeStateInput["state"]) =>
    sql<number>`(count(*) filter (where ${nodeModelStates.state} = ${state}))::int`.mapWith(Number);
  return db
    .select({
      nodeId: nodeModelStates.nodeId,
      ready: counted("ready"),
      downloading: counted("downloading"),
      error: counted("error"),
    })
    .from(nodeModelStates)
    .groupBy(nodeModelStates.nodeId);
}

export async function deleteNodeById({ id }: { id: string }): Promise<boolean> {
  const { db } = await getDb();
  return db.transaction(async (tx) => {
    const rows = await tx.delete(nodes).where(eq(nodes.id, id)).returning({ id: nodes.id });
    if (rows.length) await bumpSyncVersion(tx as unknown as Db);
    return rows.length > 0;
  });
}

export type NodeStateInput = {
  name: string;
  commit: string | null;
  state: "pending" | "downloading" | "ready" | "error" | "unsupported";
  variant: string | null;
  bytesDone: number | null;
  bytesTotal: number | null;
  errorCode: string | null;
  errorMessage: string | null;
};

/** What a state about another commit of the name counts as: the registered one is not synced yet. */
function pendingState(s: NodeStateInput): NodeStateInput {
  return {
    ...s,
    state: "pending",
    variant: null,
    bytesDone: null,
    bytesTotal: null,
    errorCode: null,
    errorMessage: null,
  };
}

/**
 * Record a heartbeat and the node's full snapshot of model states in one
 * transaction: unknown model names are ignored, models the node no longer reports
 * are dropped, and the sync version moves only when a state (not progress) changed.
 */
export async function applyNodeSync({
  nodeId,
  freeDiskBytes,
  states,
}: {
  nodeId: string;
  freeDiskBytes: number | null | undefined;
  states: NodeStateInput[];
}): Promise<{ found: boolean; changed: boolean }> {
  const { db } = await getDb();
  return db.transaction(async (tx) => {
    const touched = await tx
      .update(nodes)
      .set({
        lastSeenAt: sql`now()`,
        ...(freeDiskBytes != null ? { freeDiskBytes } : {}),
      })
      .where(eq(nodes.id, nodeId))
      .returning({ id: nodes.id });
    if (!touched.length) return { found: false, changed: false };

    const lowered = [...new Set(states.map((s) => s.name.toLowerCase()))];
    const known = lowered.length
      ? await tx
          .select({ id: models.id, name: models.name, commit: models.commit })
          .from(models)
          .where(inArray(sql`lower(${models.name})`, lowered))
      : [];
    const byName = new Map(known.map((m) => [m.name.toLowerCase(), m]));
    const existing = await tx.select().from(nodeModelStates).where(eq(nodeModelStates.nodeId, nodeId));
    const before = new Map(existing.map((s) => [s.modelId, s]));

    let changed = false;
    const rows = [];
    const seen = new Set<string>();
    for (const reported of states) {
      const model = byName.get(reported.name.toLowerCase());
      if (!model || seen.has(model.id)) continue;
      const modelId = model.id;
      seen.add(modelId);
      // About an earlier registration of the same name: this one is not synced yet.
      const s =
        reported.commit && reported.commit.toLowerCase() !== model.commit.toLowerCase()
          ? pendingState(reported)
          : reported;
      const old = before.get(modelId);
      const sameState = old && old.state === s.state && old.variant === s.variant && old.errorCode === s.errorCode;
      if (!sameState) changed = true;
      const sameProgress =
        old && old.bytesDone === s.bytesDone && old.bytesTotal === s.bytesTotal && old.errorMessage === s.errorMessage;
      if (sameState && sameProgress) continue;
      rows.push({
        nodeId,
        modelId,
        state: s.state,
        variant: s.variant,
        bytesDone: s.bytesDone,
        bytesTotal: s.bytesTotal,
        errorCode: s.errorCode,
        errorMessage: s.errorMessage,
      });
    }
    if (rows.length) {
      await tx
        .insert(nodeModelStates)
        .values(rows)
        .onConflictDoUpdate({
          target: [nodeModelStates.nodeId, nodeModelStates.modelId],
          set: {
            state: sql`excluded.state`,
            variant: sql`excluded.variant`,
            bytesDone: sql`excluded.bytes_done`,
            bytesTotal: sql`excluded.bytes_total`,
            errorCode: sql`excluded.error_code`,
            errorMessage: sql`excluded.error_message`,
            updatedAt: sql`now()`,
          },
        });
    }
    const gone = existing.filter((s) => !seen.has(s.modelId)).map((s) => s.modelId);
    if (gone.length) {
      changed = true;
      await tx
        .delete(nodeModelStates)
        .where(and(eq(nodeModelStates.nodeId, nodeId), inArray(nodeModelStates.modelId, gone)));
    }
    if (changed) await bumpSyncVersion(tx as unknown as Db);
    return { found: true, changed };
  });
}

async function bumpSyncVersion(tx: Db): Promise<void> {
  await tx
    .insert(registryState)
    .values({ id: 1, syncVersion: 1 })
    .onConflictDoUpdate({
      target: registryState.id,
      set: { syncVersion: sql`${registryState.syncVersion} + 1`, updatedAt: sql`now()` },
    });
}
