// One benchmark environment: the fake Hub, a database (PostgreSQL or PGlite), the
// production server (`next start` from the last build) and an HTTP helper with the
// bootstrap admin key. Everything started is registered for cleanup.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { type FakeHub, type FixtureRepo, fixtureRepos, startFakeHub } from "../../tests/fake-hub";
import { type RunningServer, startNextServer } from "../../tests/helpers/server";
import { createPostgresDatabase } from "../../tests/helpers/test-database";
import { serverPort } from "../scale/ports";
import type { Cleanups } from "./cleanup";
import { findListeningPid } from "./proc";

export type DatabaseKind = "postgres" | "pglite";

export interface Stack {
  hub: FakeHub;
  server: RunningServer;
  serverPid: number;
  database: DatabaseKind;
  /** postgres:// URL of the bench database; null on PGlite. */
  databaseUrl: string | null;
  adminKey: string;
  /** JSON request with the admin key; throws on an unexpected status. */
  api<T = unknown>(p: string, init?: RequestInit & { expect?: number[] }): Promise<{ status: number; body: T }>;
  createKey(scope: "node" | "reader"): Promise<string>;
  /** PostgreSQL backend pids serving the bench database (empty on PGlite, which runs in the server). */
  postgresPids(): Promise<number[]>;
}

export async function startStack(
  cleanups: Cleanups,
  opts: {
    database: DatabaseKind;
    repos?: FixtureRepo[];
    hub?: FakeHub;
    /** The server's port; by default the next of the benches' range (bench/scale/ports.ts). */
    port?: number;
    /** A PGlite folder prepared (seeded) by the caller, who removes it. */
    pgliteDir?: string;
    /** More server environment, e.g. a console admin to sign in as. */
    env?: Record<string, string>;
  },
): Promise<Stack> {
  let hub = opts.hub;
  if (!hub) {
    const started = await startFakeHub({ repos: opts.repos ?? fixtureRepos });
    cleanups.add("close fake hub", () => started.close());
    hub = started;
  }
  const adminKey = `bench-admin-${process.pid}-${Date.now()}`;
  let databaseUrl: string | null = null;
  let dbEnv: Record<string, string | undefined>;
  if (opts.database === "postgres") {
    const db = await createPostgresDatabase();
    cleanups.add("drop database", db.drop);
    databaseUrl = db.url;
    dbEnv = { DATABASE_URL: db.url, PGLITE_DIR: undefined };
  } else if (opts.pgliteDir) {
    dbEnv = { DATABASE_URL: undefined, PGLITE_DIR: opts.pgliteDir };
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-bench-pglite-"));
    cleanups.add("remove PGlite folder", () => rmSync(dir, { recursive: true, force: true }));
    dbEnv = { DATABASE_URL: undefined, PGLITE_DIR: dir };
  }
  const server = await startNextServer(
    {
      ...dbEnv,
      HF_ENDPOINT: hub.url,
      HF_TOKEN: undefined,
      LLMLB_ADMIN_KEY: adminKey,
      // Info lines (one per state change) would pile up in the helper's log array.
      LOG_LEVEL: "warn",
      ...opts.env,
    },
    { port: opts.port ?? serverPort() },
  );
  cleanups.add("stop server", () => server.stop());
  const serverPid = findListeningPid(Number(new URL(server.url).port));

  let pidClient: postgres.Sql | null = null;
  if (databaseUrl) {
    pidClient = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    cleanups.add("close pid query connection", () => pidClient?.end({ timeout: 5 }));
  }

  const api: Stack["api"] = async (p, init = {}) => {
    const { expect = [200, 201, 204], ...rest } = init;
    const res = await fetch(`${server.url}${p}`, {
      ...rest,
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json", ...rest.headers },
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${rest.method ?? "GET"} ${p} → ${res.status} ${text}`);
    return { status: res.status, body: (text ? JSON.parse(text) : null) as never };
  };

  return {
    hub,
    server,
    serverPid,
    database: opts.database,
    databaseUrl,
    adminKey,
    api,
    async createKey(scope) {
      const { body } = await api<{ key: string }>("/api/keys", {
        method: "POST",
        body: JSON.stringify({ name: `bench-${scope}`, scope }),
      });
      return body.key;
    },
    async postgresPids() {
      if (!pidClient) return [];
      const rows = await pidClient<{ pid: number }[]>`
        select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
      return rows.map((r) => r.pid);
    },
  };
}
