// PostgreSQL going away under a running server: every request gets a 503 with
// Retry-After, in its route's error shape, before a client giving up after 10 s would
// (it used to wait up to 16 s, or forever on a silent connection, for a 500); the
// server recovers on its own when the database is back; the CLI and the node agent
// treat the 503 as transient. Runs on PostgreSQL behind a TCP proxy this file
// controls (cut: connections refused; or accepted and never answered), whatever
// TEST_DB says.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli/run-cli";
import { startAgent } from "./helpers/agent";
import { type RunningServer, startNextServer } from "./helpers/server";
import { type CutMode, startTcpProxy, type TcpProxy } from "./helpers/tcp-proxy";
import { createPostgresDatabase, postgresAdminUrl } from "./helpers/test-database";

const adminKey = "outage-test-admin-key-0123456789";
const metricsToken = "outage-test-metrics-token";
let database: { url: string; drop: () => Promise<void> };
let proxy: TcpProxy;
let server: RunningServer;
const cacheDir = mkdtempSync(path.join(os.tmpdir(), "llmlb-outage-agent-"));

beforeAll(async () => {
  database = await createPostgresDatabase();
  const target = new URL(postgresAdminUrl);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  server = await startNextServer({
    DATABASE_URL: proxy.url(database.url),
    PGLITE_DIR: undefined,
    LLMLB_ADMIN_KEY: adminKey,
    LLMLB_METRICS_TOKEN: metricsToken,
  });
});

afterAll(async () => {
  await server?.stop();
  await proxy?.close();
  await database?.drop();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** A client that gives up after 10 s, as many do: the server must answer before. */
const call = (p: string, key: string | null, init: RequestInit = {}) =>
  fetch(`${server.url}${p}`, {
    ...init,
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    signal: AbortSignal.timeout(10_000),
  });

async function createKey(scope: "reader" | "node"): Promise<string> {
  const res = await call("/api/keys", adminKey, { method: "POST", body: JSON.stringify({ name: scope, scope }) });
  expect(res.status).toBe(201);
  return (await res.json()).key;
}

async function untilAnswered(p: string, key: string, status: number): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await call(p, key);
    if (res.status === status || attempt === 20) return res;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe.each<CutMode>(["refuse", "blackhole"])("with the database cut (%s)", (mode) => {
  it("answers 503 with Retry-After in each route's shape, then recovers", async () => {
    // Keys never used yet: looking them up needs the database.
    const [reader, another] = [await createKey("reader"), await createKey("reader")];
    await proxy.cut(mode);
    let answers: Response[];
    try {
      answers = await Promise.all([
        call("/api/models", reader),
        call("/v1/models", another),
        // The bootstrap key needs no database; the nodes overview does.
        call("/api/nodes", adminKey),
        call("/api/health", null),
      ]);
    } finally {
      await proxy.restore();
    }
    const [listing, v1, nodes, health] = answers;
    for (const res of [listing, nodes, health]) {
      expect(res.status, res.url).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(await res.json()).toEqual({
        error: { code: "database_unavailable", message: expect.stringContaining("The database is unavailable") },
      });
    }
    expect(v1.status).toBe(503);
    expect(v1.headers.get("retry-after")).toBe("5");
    expect(await v1.json()).toEqual({
      error: {
        message: expect.stringContaining("The database is unavailable"),
        type: "server_error",
        param: null,
        code: "database_unavailable",
      },
    });

    expect((await untilAnswered("/api/models", reader, 200)).status).toBe(200);
    expect((await untilAnswered("/v1/models", another, 200)).status).toBe(200);
    expect((await call("/api/health", null)).status).toBe(200);

    const logs = server.logs.join("\n");
    for (const key of [reader, another]) {
      expect(logs).not.toContain(key);
      expect(logs).not.toContain(createHash("sha256").update(key).digest("hex"));
    }
    expect(logs).toContain('"event":"db.unavailable"');
  }, 60_000);
});

describe("metrics through an outage", () => {
  it("serves the counters to the metrics token with llmlb_database_up 0, and the fleet again after", async () => {
    await proxy.cut("refuse");
    let during: Response;
    try {
      during = await call("/metrics", metricsToken);
    } finally {
      await proxy.restore();
    }
    expect(during.status).toBe(200);
    const text = await during.text();
    expect(text).toMatch(/^llmlb_database_up 0$/m);
    expect(text).toMatch(/^# TYPE llmlb_heartbeats_received_total counter$/m);
    expect(text).not.toMatch(/^llmlb_model_nodes\{/m);
    for (let attempt = 0; attempt < 20; attempt++) {
      const after = await (await call("/metrics", metricsToken)).text();
      if (/^llmlb_database_up 1$/m.test(after)) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect.unreachable("llmlb_database_up did not come back to 1");
  }, 60_000);
});

describe("with a table locked by another session", () => {
  it("answers 503 once the database gives up on the blocked query, and serves again after", async () => {
    const reader = await createKey("reader");
    const blocker = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const locked = blocker.begin(async (tx) => {
        await tx`lock table api_keys in access exclusive mode`;
        const res = await call("/api/models", reader);
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBe("5");
        expect((await res.json()).error.code).toBe("database_unavailable");
      });
      await locked;
    } finally {
      await blocker.end();
    }
    expect((await call("/api/models", reader)).status).toBe(200);
  }, 60_000);
});

describe("clients during an outage", () => {
  it("the CLI retries a read through a short outage, and says what is wrong through a long one", async () => {
    // Fresh keys: looking them up needs the database (a key in use is remembered for 5 s).
    const [first, second] = [await createKey("reader"), await createKey("reader")];
    await proxy.cut("refuse");
    let long: Awaited<ReturnType<typeof runCli>>;
    try {
      long = await runCli(["model", "list"], { LLMLB_URL: server.url, LLMLB_API_KEY: first });
    } finally {
      await proxy.restore();
    }
    expect(long.code).toBe(1);
    expect(long.stderr).toContain("error: The database is unavailable right now; try again in a few seconds.");

    await proxy.cut("refuse");
    const short = runCli(["model", "list", "--json"], { LLMLB_URL: server.url, LLMLB_API_KEY: second });
    await new Promise((r) => setTimeout(r, 1_500));
    await proxy.restore();
    const result = await short;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ object: "list" });
  }, 60_000);

  it("the node agent keeps running through a 503 outage and reports again after it", async () => {
    const agent = startAgent({
      serverUrl: server.url,
      apiKey: await createKey("node"),
      hubUrl: "http://127.0.0.1:9",
      name: "outage-node",
      cacheDir,
    });
    try {
      await agent.waitForEvent((e) => e.event === "announced");
      await proxy.cut("refuse");
      try {
        const down = await agent.waitForEvent((e) => e.event === "server.unreachable");
        expect(down).toMatchObject({ status: 503, code: "database_unavailable" });
      } finally {
        await proxy.restore();
      }
      await agent.waitForEvent((e) => e.event === "server.reachable");
      expect(agent.process.exitCode).toBeNull();
    } finally {
      await agent.stop();
    }
  }, 60_000);
});
