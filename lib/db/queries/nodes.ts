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
export async function listNodes({ offlineAfterSeconds, id }: { offlineAfterSeconds: number; id?: string }) {
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
    .where(id ? eq(nodes.id, id) : undefined)
    .orderBy(asc(nodes.name));
}

/** Delete a node (its states cascade) and bump the sync version; null when there was none. */
export async function deleteNodeById({ id }: { id: string }): Promise<{ name: string } | null> {
  return withTransaction(async (tx) => {
    const [row] = await tx.delete(nodes).where(eq(nodes.id, id)).returning({ name: nodes.name });
    if (row) await bumpSyncVersion({ tx });
    return row ?? null;
  });
}

/** The node was heard from now (a heartbeat not yet flushed, or one whose states were not taken). */
export async function markNodeSeen({
  nodeId,
  freeDiskBytes,
}: {
  nodeId: string;
  freeDiskBytes?: number | null;
}): Promise<boolean> {
  const { db } = await getDb();
  const rows = await db
    .update(nodes)
    .set({ lastSeenAt: sql`now()`, ...(freeDiskBytes != null ? { freeDiskBytes } : {}) })
    .where(eq(nodes.id, nodeId))
    .returning({ id: nodes.id });
  return rows.length > 0;
}

export type NodeSeen = { nodeId: string; ageMs: number; freeDiskBytes: number | null };

/**
 * Many heartbeats' liveness in one statement: each node seen `ageMs` before now (the
 * database's clock, which readers decide online by). Returns the ids that still exist.
 */
export async function markNodesSeen({ seen }: { seen: NodeSeen[] }): Promise<string[]> {
  if (!seen.length) return [];
  const { db } = await getDb();
  const found: string[] = [];
  for (let at = 0; at < seen.length; at += 5_000) {
    const values = sql.join(
      seen
        .slice(at, at + 5_000)
        .map((s) => sql`(${s.nodeId}::uuid, ${Math.max(0, Math.round(s.ageMs))}::int, ${s.freeDiskBytes}::bigint)`),
      sql`, `,
    );
    const result = await db.execute(sql`
      update ${nodes} n set
        last_seen_at = greatest(n.last_seen_at, now() - make_interval(secs => v.age_ms / 1000.0)),
        free_disk_bytes = coalesce(v.disk, n.free_disk_bytes)
      from (values ${values}) as v(id, age_ms, disk)
      where n.id = v.id
      returning n.id::text as id
    `);
    for (const row of rowsOf<{ id: string }>(result)) found.push(row.id);
  }
  return found;
}

/** A node as a heartbeat needs it: who may report for it, and where its sync stands. */
export type NodeSync = {
  id: string;
  name: string;
  apiKeyId: string | null;
  syncSession: string | null;
  syncSeq: number;
  stateDigest: bigint;
  /** Seconds since last_seen_at, by the database's clock. */
  seenAgoS: number;
};

const nodeSyncColumns = {
  id: nodes.id,
  name: nodes.name,
  apiKeyId: nodes.apiKeyId,
  syncSession: nodes.syncSession,
  syncSeq: nodes.syncSeq,
  stateDigest: nodes.stateDigest,
  seenAgoS: sql<number>`extract(epoch from now() - ${nodes.lastSeenAt})::float8`.mapWith(Number),
};

export async function getNodeSync({ id }: { id: string }): Promise<NodeSync | null> {
  const { db } = await getDb();
  const [row] = await db.select(nodeSyncColumns).from(nodes).where(eq(nodes.id, id)).limit(1);
  return row ?? null;
}

/** The same, locked for the rest of `tx`: two heartbeats of one node apply one after the other. */
export async function lockNodeSync({ tx, id }: { tx: Db; id: string }): Promise<NodeSync | null> {
  const [row] = await tx.select(nodeSyncColumns).from(nodes).where(eq(nodes.id, id)).for("update");
  return row ?? null;
}

export async function setNodeSync({
  tx,
  id,
  session,
  seq,
  digest,
}: {
  tx: Db;
  id: string;
  session: string | null;
  seq: number;
  digest: bigint;
}): Promise<void> {
  await tx.update(nodes).set({ syncSession: session, syncSeq: seq, stateDigest: digest }).where(eq(nodes.id, id));
}
