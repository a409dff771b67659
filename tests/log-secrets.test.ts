// No secret, nor a hash of one, in any log line, even when a query fails with the
// values it carried: Drizzle puts a failed query's parameters (here the API key's
// hash) into its error message. The database is broken for real under a running
// server, which needs PostgreSQL reachable from this process whatever TEST_DB says.
import { createHash } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startNextServer } from "./helpers/server";
import { createPostgresDatabase } from "./helpers/test-database";

const adminKey = "log-secrets-admin-key-0123456789";
let server: RunningServer;
let database: { url: string; drop: () => Promise<void> };
let sql: postgres.Sql;

beforeAll(async () => {
  database = await createPostgresDatabase();
  server = await startNextServer({ DATABASE_URL: database.url, PGLITE_DIR: undefined, LLMLB_ADMIN_KEY: adminKey });
  sql = postgres(database.url, { max: 1, onnotice: () => {} });
});

afterAll(async () => {
  await server?.stop();
  await sql?.end();
  await database?.drop();
});

const call = (p: string, key: string, init: RequestInit = {}) =>
  fetch(`${server.url}${p}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
  });

describe("logs when the database fails under an API-key request", () => {
  it("say what failed, without the key or its hash", async () => {
    const created = await call("/api/keys", adminKey, {
      method: "POST",
      body: JSON.stringify({ name: "reader", scope: "reader" }),
    });
    const { key } = await created.json();
    const hash = createHash("sha256").update(key).digest("hex");
    // Looking the key up now fails inside PostgreSQL, with the hash as the query's parameter.
    await sql`alter table api_keys rename to api_keys_away`;
    try {
      const res = await call("/v1/models", key);
      expect(res.status).toBe(500);
      expect((await res.json()).error.code).toBe("internal_error");
    } finally {
      await sql`alter table api_keys_away rename to api_keys`;
    }
    // The log line is written by pino's worker: on a loaded machine it can trail the answer.
    const deadline = Date.now() + 10_000;
    let line = server.logs.find((l) => l.includes('"unhandled error"'));
    while (!line && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      line = server.logs.find((l) => l.includes('"unhandled error"'));
    }
    const logs = server.logs.join("\n");
    expect(logs).not.toContain(key);
    expect(logs).not.toContain(hash);
    expect(line).toBeDefined();
    const entry = JSON.parse(line ?? "{}");
    expect(entry.err.message).toMatch(/^Failed query: select .* from "api_keys"/);
    expect(entry.err.cause.message).toBe('relation "api_keys" does not exist');
    expect((await call("/v1/models", key)).status).toBe(200);
  });
});
