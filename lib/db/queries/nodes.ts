import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import { type Db, getDb, rowsOf, withTransaction } from "../client";
import { nodes } from "../schema";
import { bumpSyncVersion } from "./registry-state";

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
    where nodes.api_key_id = excluded.api_key_id or ${takeOver}::boolean
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

/**
 * Every node; `online` (seen within `offlineAfterSeconds`) is decided by the database
 * clock, like readiness is.
 */
export async function listNodes({ offlineAfterSeconds }: { offlineAfterSeconds: number }) {
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
      online: sql<boolean>`${nodes.lastSeenAt} > now() - make_interval(secs => ${offlineAfterSeconds})`,
    })
    .from(nodes)
    .orderBy(asc(nodes.name));
}

/** Delete a node (its states cascade) and bump the sync version; false when there was none. */
export async function deleteNodeById({ id }: { id: string }): Promise<boolean> {
  return withTransaction(async (tx) => {
    const rows = await tx.delete(nodes).where(eq(nodes.id, id)).returning({ id: nodes.id });
    if (rows.length) await bumpSyncVersion({ tx });
    return rows.length > 0;
  });
}

/**
 * Mark a node seen now (a heartbeat), with its free disk when it sent one, inside `tx`;
 * false when no such node exists.
 */
/** The node was heard from now (a heartbeat whose states were not taken). */
export async function markNodeSeen({ nodeId }: { nodeId: string }): Promise<void> {
  const { db } = await getDb();
  await db.update(nodes).set({ lastSeenAt: sql`now()` }).where(eq(nodes.id, nodeId));
}

export async function touchNode({
  tx,
  nodeId,
  freeDiskBytes,
}: {
  tx: Db;
  nodeId: string;
  freeDiskBytes: number | null | undefined;
}): Promise<boolean> {
  const touched = await tx
    .update(nodes)
    .set({ lastSeenAt: sql`now()`, ...(freeDiskBytes != null ? { freeDiskBytes } : {}) })
    .where(eq(nodes.id, nodeId))
    .returning({ id: nodes.id });
  return touched.length > 0;
}
