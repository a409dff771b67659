import "server-only";
import { type Database, openDatabase } from "./open";

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

export type { Database, Db } from "./open";

/** Close the process-wide database if one was opened (never opens one to close it). */
export async function closeDbIfOpen(): Promise<void> {
  const pending = globalForDb.__llmlbDb;
  globalForDb.__llmlbDb = undefined;
  const database = await pending?.catch(() => null);
  await database?.close();
}
