import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";

export const testDbKind = process.env.TEST_DB === "postgres" ? "postgres" : "pglite";

/** Admin connection used to create and drop per-file databases. */
export const postgresAdminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

type GlobalDb = { __llmlbDb?: Promise<{ close(): Promise<void> }> };

/**
 * Point this process at a brand-new database and return the function that removes
 * it. `dir: true` gives PGlite a data folder (needed when a server process shares it).
 */
export async function createTestDatabase(opts: { dir?: boolean } = {}): Promise<() => Promise<void>> {
  const g = globalThis as GlobalDb;
  g.__llmlbDb = undefined;
  if (testDbKind === "pglite") {
    delete process.env.DATABASE_URL;
    const dir = opts.dir ? mkdtempSync(path.join(os.tmpdir(), "llmlb-pglite-")) : null;
    process.env.PGLITE_DIR = dir ?? ":memory:";
    return async () => {
      await closeProcessDb(g);
      if (dir) rmSync(dir, { recursive: true, force: true });
    };
  }
  const { url, drop } = await createPostgresDatabase();
  process.env.DATABASE_URL = url;
  return async () => {
    await closeProcessDb(g);
    await drop();
  };
}

export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `llmlb_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(postgresAdminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = postgres(postgresAdminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

async function closeProcessDb(g: GlobalDb): Promise<void> {
  const pending = g.__llmlbDb;
  g.__llmlbDb = undefined;
  if (pending) await (await pending.catch(() => null))?.close();
}

/**
 * A database of the kind TEST_DB names for a server started in another process: the
 * environment that points it there (a new PostgreSQL database, or a PGlite folder) and
 * the function that removes it.
 */
export async function createServerDatabase(): Promise<{
  env: Record<string, string | undefined>;
  drop: () => Promise<void> | void;
}> {
  if (testDbKind === "postgres") {
    const db = await createPostgresDatabase();
    return { env: { DATABASE_URL: db.url, PGLITE_DIR: undefined }, drop: db.drop };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-server-"));
  return {
    env: { DATABASE_URL: undefined, PGLITE_DIR: dir },
    drop: () => rmSync(dir, { recursive: true, force: true }),
  };
}
