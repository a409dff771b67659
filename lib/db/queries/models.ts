import "server-only";
import { asc, sql } from "drizzle-orm";
import { nodeOfflineAfterSeconds } from "@/lib/nodes/constants";
import { type Db, getDb } from "../client";
import { models, type NewModel, registryState } from "../schema";

const byName = (name: string) => sql`lower(${models.name}) = lower(${name})`;

/** Insert a model and bump the registry version in one transaction. */
export async function insertModel({ values }: { values: NewModel }) {
  const { db } = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(models).values(values).returning();
    const version = await bumpRegistryVersion(tx as unknown as Db);
    return { model: row, version };
  });
}

/** Delete a model (node states cascade) and bump the registry version. */
export async function deleteModelByName({ name }: { name: string }) {
  const { db } = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(models).where(byName(name)).returning({ id: models.id, name: models.name });
    if (!row) return null;
    const version = await bumpRegistryVersion(tx as unknown as Db);
    return { ...row, version };
  });
}

export async function getModelByName({ name }: { name: string }) {
  const { db } = await getDb();
  const [row] = await db.select().from(models).where(byName(name)).limit(1);
  return row ?? null;
}

/** A model's id, without reading its manifest: for lookups on polled paths. */
export async function getModelIdByName({ name }: { name: string }): Promise<string | null> {
  const { db } = await getDb();
  const [row] = await db.select({ id: models.id }).from(models).where(byName(name)).limit(1);
  return row?.id ?? null;
}

// Listings never show the manifest, which is most of a row's bytes.
const listingColumns = {
  id: models.id,
  name: models.name,
  displayName: models.displayName,
  source: models.source,
  repo: models.repo,
  filename: models.filename,
  revision: models.revision,
  commit: models.commit,
  sizeBytes: models.sizeBytes,
  formats: models.formats,
  createdAt: models.createdAt,
};
export type ModelListingRow = { [K in keyof typeof listingColumns]: (typeof models.$inferSelect)[K] };

/** Every model with the columns listings show, oldest first. */
export async function listModelsForListing(): Promise<ModelListingRow[]> {
  const { db } = await getDb();
  return db.select(listingColumns).from(models).orderBy(asc(models.createdAt), asc(models.name));
}

export async function countModels(): Promise<number> {
  const { db } = await getDb();
  return db.$count(models);
}

async function bumpRegistryVersion(tx: Db): Promise<number> {
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

export interface RegistryFingerprint {
  /** Moves on every registration and deletion. */
  version: number;
  /** Moves when a node's state for a model changes. */
  syncVersion: number;
  /** Hash of the set of online nodes: a node going offline changes `ready` with no write. */
  onlineNodes: string;
}

/** One cheap round trip that tells whether any cached listing is still current. */
export async function getRegistryFingerprint(): Promise<RegistryFingerprint> {
  const { db } = await getDb();
  const result = await db.execute<{ version: string | null; sync_version: string | null; online: string | null }>(sql`
    select
      (select version from registry_state where id = 1)::text as version,
      (select sync_version from registry_state where id = 1)::text as sync_version,
      (select md5(string_agg(id::text, ',' order by id)) from nodes
        where last_seen_at > now() - make_interval(secs => ${nodeOfflineAfterSeconds})) as online
  `);
  const row = rowsOf<{ version: string | null; sync_version: string | null; online: string | null }>(result)[0];
  return {
    version: Number(row?.version ?? 0),
    syncVersion: Number(row?.sync_version ?? 0),
    onlineNodes: row?.online ?? "",
  };
}

/** postgres.js returns an array of rows, PGlite `{ rows }`; accept both. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}
