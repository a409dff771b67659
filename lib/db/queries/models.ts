import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import { type Db, getDb, rowsOf, withTransaction } from "../client";
import { type Model, models, type NewModel } from "../schema";
import { dropModelFromDigests, lockStateWrites } from "./node-states";
import { bumpRegistryVersion } from "./registry-state";
import { insertHistory } from "./upstream";

const byName = (name: string) => sql`lower(${models.name}) = lower(${name})`;

/** Insert a model, its history's first entry and bump the registry version, in one transaction. */
export async function insertModel({ values, actor }: { values: NewModel; actor: string }) {
  return withTransaction(async (tx) => {
    const [row] = await tx.insert(models).values(values).returning();
    await insertHistory({
      tx,
      modelId: row.id,
      entry: { action: "registered", actor, toCommit: row.commit, detail: `at ${row.revision}` },
    });
    const version = await bumpRegistryVersion({ tx });
    return { model: row, version };
  });
}

/**
 * Delete a model (node states cascade, and leave every node's digest with them) and bump
 * the registry version.
 */
export async function deleteModelByName({ name }: { name: string }) {
  return withTransaction(async (tx) => {
    await lockStateWrites({ tx, mode: "exclusive" });
    const [found] = await tx.select({ id: models.id }).from(models).where(byName(name)).for("update");
    if (!found) return null;
    await dropModelFromDigests({ tx, modelId: found.id });
    const [row] = await tx
      .delete(models)
      .where(eq(models.id, found.id))
      .returning({ id: models.id, name: models.name });
    if (!row) return null;
    const version = await bumpRegistryVersion({ tx });
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

/**
 * The registered model each of `names` stands for (case-insensitively), with its id and
 * pinned commit, inside `tx`. PostgreSQL's lower() compares both sides: JavaScript's
 * toLowerCase() differs from it for some letters (Σ at a word's end, İ), and such a name
 * would never match.
 */
export async function listModelsNamed({ tx, names }: { tx: Db; names: string[] }) {
  if (names.length === 0) return [];
  // One JSON parameter for every name (a full state names every registered model).
  // FOR KEY SHARE: a deletion of one of these models waits until this transaction ends,
  // so its states are never written for a model deleted meanwhile (a foreign-key failure).
  const result = await tx.execute(sql`
    select m.id::text as id, m.name, m.commit, m.candidate->>'commit' as candidate,
      m.previous->>'commit' as previous, r.reported
    from (select distinct jsonb_array_elements_text(${JSON.stringify(names)}::text::jsonb) as reported) as r
    join ${models} m on lower(m.name) = lower(r.reported)
    for key share of m
  `);
  return rowsOf<{
    id: string;
    name: string;
    commit: string;
    candidate: string | null;
    previous: string | null;
    reported: string;
  }>(result);
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
  memory: models.memory,
  createdAt: models.createdAt,
  candidateCommit: sql<string | null>`${models.candidate}->>'commit'`,
  previousCommit: sql<string | null>`${models.previous}->>'commit'`,
  previousKeepUntil: sql<string | null>`${models.previous}->>'keep_until'`,
};
export type ModelListingRow = {
  [K in Exclude<keyof typeof listingColumns, "candidateCommit" | "previousCommit" | "previousKeepUntil">]: Model[K];
} & { candidateCommit: string | null; previousCommit: string | null; previousKeepUntil: string | null };

/** Every model with the columns listings show, oldest first. */
export async function listModelsForListing(): Promise<ModelListingRow[]> {
  const { db } = await getDb();
  return db.select(listingColumns).from(models).orderBy(asc(models.createdAt), asc(models.name));
}

export async function countModels(): Promise<number> {
  const { db } = await getDb();
  return db.$count(models);
}
