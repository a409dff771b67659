import "server-only";
import type { Database, Db } from "./database";
import { openDatabase } from "./open";

// One client per process, kept on globalThis: Next.js dev reloads and separate
// route bundles must never open a second PGlite on the same data folder (two
// instances on one folder silently lose writes).
const globalForDb = globalThis as unknown as { __llmlbDb?: Promise<Database> };

/** The process-wide database, migrated on first use. */
export function getDb(): Promise<Database> {
  globalForDb.__llmlbDb ??= openDatabase({ migrate: true }).catch((error) => {
    globalForDb.__llmlbDb = undefined;
    throw error;
  });
  return globalForDb.__llmlbDb;
}

export type { Database, Db } from "./database";

/** Close the process-wide database if one was opened (never opens one to close it). */
export async function closeDbIfOpen(): Promise<void> {
  const pending = globalForDb.__llmlbDb;
  globalForDb.__llmlbDb = undefined;
  const database = await pending?.catch(() => null);
  await database?.close();
}

/**
 * Run `work` in one transaction. Query functions that take a `tx` run inside it, so a
 * domain operation can compose several of them into one atomic write.
 */
export async function withTransaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
  const { db } = await getDb();
  // Drizzle types a transaction apart from its database, but it runs the same queries.
  return db.transaction((tx) => work(tx as unknown as Db));
}

/** postgres.js returns an array of rows, PGlite `{ rows }`; accept both. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}
