import { mkdirSync } from "node:fs";
import path from "node:path";
import { lockDataDir } from "./data-dir-lock";
import type { Database, Db } from "./database";
import * as schema from "./schema";

export type { Database, Db } from "./database";

export const migrationsFolder = path.join(process.cwd(), "drizzle");

/**
 * Open the database the environment selects: DATABASE_URL → PostgreSQL through
 * postgres.js; otherwise the embedded PGlite in PGLITE_DIR (default ./.data/pglite),
 * or in memory when PGLITE_DIR is ":memory:".
 */
export async function openDatabase(opts: { migrate: boolean; url?: string }): Promise<Database> {
  const url = opts.url ?? process.env.DATABASE_URL;
  const database = url ? await openPostgresClient(url) : await openPglite(process.env.PGLITE_DIR);
  if (opts.migrate) {
    try {
      await database.migrate();
    } catch (error) {
      // Start-up retries an unreachable database: each attempt must not leave a pool (or a lock) behind.
      await database.close().catch(() => {});
      throw error;
    }
  }
  return database;
}

async function openPostgresClient(url: string): Promise<Database> {
  const { openPostgres } = await import("./postgres-client");
  return openPostgres(url, { migrationsFolder });
}

async function openPglite(dir: string | undefined): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dataDir = dir === ":memory:" ? undefined : path.resolve(/*turbopackIgnore: true*/ dir || "./.data/pglite");
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const releaseLock = dataDir ? lockDataDir(dataDir) : () => {};
  const client = await PGlite.create(dataDir ? { dataDir } : {});
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    async listen(channel, listener) {
      return client.listen(channel, listener);
    },
    async notify(channel, payload) {
      await client.query("select pg_notify($1, $2)", [channel, payload]);
    },
    async migrate() {
      const { migrate } = await import("drizzle-orm/pglite/migrator");
      // biome-ignore lint/suspicious/noExplicitAny: the migrator is typed per driver
      await migrate(db as any, { migrationsFolder });
    },
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}
