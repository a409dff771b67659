import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
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
  if (opts.migrate) await migrateDatabase(database);
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

/**
 * Two PGlite instances on one folder silently lose each other's writes, so a second
 * server process on the same PGLITE_DIR must fail at start instead. The lock file
 * holds the owner's pid; a lock left by a process that is gone is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, "llmlb.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      const release = () => rmSync(lockFile, { force: true });
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(lockFile, "utf8"));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by another llmlb server (pid ${owner}): stop it, or set PGLITE_DIR to another folder or DATABASE_URL to PostgreSQL.`,
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
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
