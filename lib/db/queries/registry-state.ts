import "server-only";
import { sql } from "drizzle-orm";
import { type Db, getDb, rowsOf } from "../client";
import { registryState } from "../schema";

/** Move the registry version (a registration or deletion) inside `tx`; returns the new version. */
export async function bumpRegistryVersion({ tx }: { tx: Db }): Promise<number> {
  const [row] = await tx
    .insert(registryState)
    .values({ id: 1, version: 1 })
    .onConflictDoUpdate({
      target: registryState.id,
      set: { version: sql`${registryState.version} + 1`, updatedAt: sql`now()` },
    })
    .returning({ version: registryState.version });
  return row.version;
}

/** Move the sync version (a node's state for a model changed) inside `tx`. */
export async function bumpSyncVersion({ tx }: { tx: Db }): Promise<void> {
  await tx
    .insert(registryState)
    .values({ id: 1, syncVersion: 1 })
    .onConflictDoUpdate({
      target: registryState.id,
      set: { syncVersion: sql`${registryState.syncVersion} + 1`, updatedAt: sql`now()` },
    });
}

export interface RegistryFingerprint {
  /** Moves on every registration and deletion. */
  version: number;
  /** Moves when a node's state for a model changes. */
  syncVersion: number;
  /** Hash of the set of online nodes: a node going offline changes `ready` with no write. */
  onlineNodes: string;
}

type FingerprintRow = { version: string | null; sync_version: string | null; online: string | null };

/**
 * One cheap round trip that tells whether any cached listing is still current. A node is
 * online when it was seen within `offlineAfterSeconds`, by the database's clock.
 */
export async function getRegistryFingerprint({
  offlineAfterSeconds,
}: {
  offlineAfterSeconds: number;
}): Promise<RegistryFingerprint> {
  const { db } = await getDb();
  const result = await db.execute<FingerprintRow>(sql`
    select
      (select version from registry_state where id = 1)::text as version,
      (select sync_version from registry_state where id = 1)::text as sync_version,
      (select md5(string_agg(id::text, ',' order by id)) from nodes
        where last_seen_at > now() - make_interval(secs => ${offlineAfterSeconds})) as online
  `);
  const row = rowsOf<FingerprintRow>(result)[0];
  return {
    version: Number(row?.version ?? 0),
    syncVersion: Number(row?.sync_version ?? 0),
    onlineNodes: row?.online ?? "",
  };
}
