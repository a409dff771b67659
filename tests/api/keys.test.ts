import { describe, expect, it } from "vitest";
import { adminKey, startHubForFile } from "../helpers/env";
import { callJson } from "../helpers/routes";

startHubForFile();

const createKey = (name: string, scope: string, key: string | null = adminKey) =>
  callJson("POST", "/api/keys", { key, json: { name, scope } });

describe("API keys", () => {
  it("creates a key shown once, lists it without the secret, and revokes it", async () => {
    const created = await createKey("ci pipeline", "admin");
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^llmlb_[A-Za-z0-9_-]{20,}$/);
    expect(created.body).toMatchObject({ name: "ci pipeline", scope: "admin", prefix: created.body.key.slice(0, 12) });

    const list = await callJson("GET", "/api/keys", { key: adminKey });
    expect(list.status).toBe(200);
    expect(list.body.keys).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(list.body.keys[0]).not.toHaveProperty("key");
    expect(list.body.keys[0]).not.toHaveProperty("key_hash");

    // The new key works, and its use is recorded for the console.
    const use = await callJson("GET", "/v1/models", { key: created.body.key });
    expect(use.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const listed = (await callJson("GET", "/api/keys", { key: adminKey })).body.keys[0];
    expect(listed.last_used_at).not.toBeNull();

    const revoked = await callJson("DELETE", `/api/keys/${created.body.id}`, { key: adminKey });
    expect(revoked.status).toBe(204);
    const after = await callJson("GET", "/v1/models", { key: created.body.key });
    expect(after.status).toBe(401);
    expect(after.body.error.type).toBe("authentication_error");
    const twice = await callJson("DELETE", `/api/keys/${created.body.id}`, { key: adminKey });
    expect(twice.status).toBe(404);
    const junk = await callJson("DELETE", "/api/keys/not-a-uuid", { key: adminKey });
    expect(junk.status).toBe(404);
  });

  it("rejects bad key requests with a clear 400", async () => {
    const badScope = await createKey("x", "root");
    expect(badScope.status).toBe(400);
    expect(badScope.body.error.message).toContain("scope must be one of admin, node, reader");
    const noName = await callJson("POST", "/api/keys", { key: adminKey, json: { scope: "node" } });
    expect(noName.status).toBe(400);
    expect(noName.body.error.message).toContain("name");
    const badJson = await callJson("POST", "/api/keys", { key: adminKey, body: "[" });
    expect(badJson.status).toBe(400);
    expect((await callJson("GET", "/api/keys", { key: adminKey })).body.keys).toHaveLength(0);
  });

  it("enforces scopes on every endpoint", async () => {
    const node = (await createKey("node", "node")).body.key;
    const reader = (await createKey("reader", "reader")).body.key;
    const admin = (await createKey("admin", "admin")).body.key;
    await callJson("POST", "/api/models/register", { key: adminKey, json: { repo: "acme/tiny-safetensors" } });

    const manifest = "/api/models/registry/hf/acme/tiny-safetensors/manifest.json";
    const matrix: [string, "GET" | "POST" | "DELETE", string, Record<string, number>][] = [
      ["list models", "GET", "/api/models", { none: 401, node: 200, reader: 200, admin: 200 }],
      ["manifest", "GET", manifest, { none: 401, node: 200, reader: 200, admin: 200 }],
      ["openai list", "GET", "/v1/models", { none: 401, node: 200, reader: 200, admin: 200 }],
      ["openai model", "GET", "/v1/models/hf/acme/tiny-safetensors", { none: 401, node: 200, reader: 200, admin: 200 }],
      ["list keys", "GET", "/api/keys", { none: 401, node: 403, reader: 403, admin: 200 }],
      ["delete model", "DELETE", "/api/models/hf/acme/nope", { none: 401, node: 403, reader: 403, admin: 404 }],
      ["create key", "POST", "/api/keys", { none: 401, node: 403, reader: 403, admin: 400 }],
      ["register", "POST", "/api/models/register", { none: 401, node: 403, reader: 403, admin: 400 }],
    ];
    const keys: Record<string, string | null> = { none: null, node, reader, admin };
    for (const [label, method, path, expected] of matrix) {
      for (const [who, status] of Object.entries(expected)) {
        const res = await callJson(method, path, {
          key: keys[who],
          json: method === "GET" || method === "DELETE" ? undefined : {},
        });
        expect(res.status, `${label} as ${who}`).toBe(status);
      }
    }
  });

  it("accepts LLMLB_ADMIN_KEY only when it is set, and rejects malformed Authorization headers", async () => {
    const saved = process.env.LLMLB_ADMIN_KEY;
    delete process.env.LLMLB_ADMIN_KEY;
    try {
      expect((await callJson("GET", "/api/keys", { key: adminKey })).status).toBe(401);
    } finally {
      process.env.LLMLB_ADMIN_KEY = saved;
    }
    const basic = await callJson("GET", "/api/models", { headers: { authorization: "Basic abc" } });
    expect(basic.status).toBe(401);
    expect(basic.body.error.message).toContain("Bearer");
  });
});
