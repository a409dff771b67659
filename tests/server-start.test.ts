// Start-up against PostgreSQL that is not there yet, or never will be: a database that
// comes up later is waited for (the first requests are held, then served); one that
// cannot work, or stays unreachable past LLMLB_START_TIMEOUT_S, ends the process with a
// clear message and exit code 1. Never a process that answers 500 to everything.
// Runs on PostgreSQL behind a TCP proxy this file controls, whatever TEST_DB says.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, runNextServerToExit, startNextServer } from "./helpers/server";
import { startTcpProxy, type TcpProxy } from "./helpers/tcp-proxy";
import { createPostgresDatabase, postgresAdminUrl } from "./helpers/test-database";

const adminKey = "server-start-admin-key-0123456789";
let database: { url: string; drop: () => Promise<void> };
let proxy: TcpProxy;
let server: RunningServer | undefined;

beforeAll(async () => {
  database = await createPostgresDatabase();
  const target = new URL(postgresAdminUrl);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
});

afterAll(async () => {
  await server?.stop();
  await proxy?.close();
  await database?.drop();
});

const env = (url: string) => ({ DATABASE_URL: url, PGLITE_DIR: undefined, LLMLB_ADMIN_KEY: adminKey });

describe("starting against PostgreSQL", () => {
  it("waits for a database that is still coming up, then serves", async () => {
    await proxy.cut("refuse");
    const restore = new Promise((resolve) => setTimeout(resolve, 2_500)).then(() => proxy.restore());
    server = await startNextServer(env(proxy.url(database.url)));
    await restore;
    expect((await fetch(`${server.url}/login`)).status).toBe(200);
    const res = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(res.status).toBe(200);
    expect(server.logs.some((l) => l.includes('"event":"server.start_retry"'))).toBe(true);
  });

  it("exits with a clear message when the database does not exist", async () => {
    const missing = new URL(database.url);
    missing.pathname = "/llmlb_no_such_database";
    const { code, output } = await runNextServerToExit(env(missing.toString()));
    expect(code, output).toBe(1);
    expect(output).toContain('llmlb: cannot start: database "llmlb_no_such_database" does not exist');
  }, 60_000);

  it("exits when the database stays unreachable past LLMLB_START_TIMEOUT_S", async () => {
    await proxy.cut("refuse");
    try {
      const { code, output } = await runNextServerToExit({
        ...env(proxy.url(database.url)),
        LLMLB_START_TIMEOUT_S: "3",
      });
      expect(code, output).toBe(1);
      expect(output).toMatch(/llmlb: cannot start: the database could not be reached for 3 s \(.*ECONNREFUSED/);
    } finally {
      await proxy.restore();
    }
  }, 60_000);
});
