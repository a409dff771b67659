import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { lockDataDir } from "./data-dir-lock";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  /** Run `listener` on NOTIFY of `channel`; returns the unsubscribe function. */
  listen(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export const migrationsFolder = path.join(process.cwd(), "drizzle");

/**
 * Open the database the environment selects: DATABASE_URL → PostgreSQL through
 * postgres.js; otherwise the embedded PGlite in PGLITE_DIR (default ./.data/pglite),
 * or in memory when PGLITE_DIR is ":memory:".
 */
export async function openDatabase(opts: { migrate: boolean; url?: string }): Promise<Database> {
  const url = opts.url ?? process.env.DATABASE_URL;
  const database = url ? await openPostgres(url) : await openPglite(process.env.PGLITE_DIR);
  if (opts.migrate) {
    try {
      await migrateDatabase(database);
    } catch (error) {
      // Start-up retries an unreachable database: each attempt must not leave a pool (or a lock) behind.
      await database.close().catch(() => {});
      throw error;
    }
  }
  return database;
}

async function openPostgres(url: string): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(url, {
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    onnotice: () => {},
    // postgres.js 3.4 runs a catalog query on every new connection to learn array types,
    // and drops its promise: a connection killed at that moment (a restarting or dropped
    // database) becomes an unhandled rejection, which ends a Node process (porsager/postgres
    // #1192, #1205). No column here is an SQL array (lists are jsonb; IN lists are expanded
    // by Drizzle), so the query is not needed.
    fetch_types: false,
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    async listen(channel, listener) {
      const sub = await client.listen(channel, listener);
      return () => sub.unlisten();
    },
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    close: () => client.end({ timeout: 5 }),
  };
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
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}

export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    // biome-ignore lint/suspicious/noExplicitAny: the migrator is typed per driver
    await migrate(database.db as any, { migrationsFolder });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    // biome-ignore lint/suspicious/noExplicitAny: the migrator is typed per driver
    await migrate(database.db as any, { migrationsFolder });
  }
}
