// The production server over real HTTP: Next's routing of slashes and %2F, the
// official openai client, body limits, and structured logs without secrets.
import { mkdtempSync, rmSync } from "node:fs";
import http, { type IncomingHttpHeaders } from "node:http";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeHub, startFakeHub } from "./fake-hub";
import { type RunningServer, startNextServer } from "./helpers/server";
import { createPostgresDatabase, testDbKind } from "./helpers/test-database";

const adminKey = "server-test-admin-key-0123456789";
let hub: FakeHub;
let server: RunningServer;
let cleanup: () => Promise<void> | void;

beforeAll(async () => {
  hub = await startFakeHub();
  let dbEnv: Record<string, string | undefined>;
  if (testDbKind === "postgres") {
    const db = await createPostgresDatabase();
    dbEnv = { DATABASE_URL: db.url, PGLITE_DIR: undefined };
    cleanup = db.drop;
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-server-"));
    dbEnv = { DATABASE_URL: undefined, PGLITE_DIR: dir };
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  }
  server = await startNextServer({ ...dbEnv, HF_ENDPOINT: hub.url, HF_TOKEN: hub.token, LLMLB_ADMIN_KEY: adminKey });
});

afterAll(async () => {
  await server?.stop();
  await hub?.close();
  await cleanup?.();
});

const api = (p: string, init: RequestInit = {}, key: string | null = adminKey) =>
  fetch(`${server.url}${p}`, {
    ...init,
    headers: {
      "content-type": "application/json",
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...init.headers,
    },
  });
/** A GET with exactly these headers, its body as sent (fetch would decompress it). */
function raw(p: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(`${server.url}${p}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on("error", reject);
  });
}
const register = (body: unknown) => api("/api/models/register", { method: "POST", body: JSON.stringify(body) });

describe("the production server", () => {
  it("registers every fixture by URL, including a private repo with HF_TOKEN", async () => {
    const inputs = [
      `${hub.url}/acme/tiny-llama-GGUF`,
      "https://huggingface.co/acme/big-model-GGUF/blob/main/Q4_K_M/big-model-Q4_K_M-00003-of-00003.gguf",
      "acme/tiny-safetensors",
      "acme/sharded-safetensors",
      "acme/tiny-onnx",
      "acme/tiny-metal",
      "acme/gated-model",
      "acme/private-model",
      "gpt2",
    ];
    for (const repo of inputs) {
      const res = await register({ repo });
      expect(res.status, `${repo}: ${await res.clone().text()}`).toBe(201);
    }
  });

  it("lets the official openai client list and retrieve models", async () => {
    const client = new OpenAI({ apiKey: adminKey, baseURL: `${server.url}/v1` });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain("hf/acme/tiny-llama-GGUF");
    expect(ids).toContain("hf/openai-community/gpt2");
    expect(ids).toHaveLength(9);
    const model = await client.models.retrieve("hf/acme/tiny-llama-GGUF");
    expect(model).toMatchObject({ id: "hf/acme/tiny-llama-GGUF", object: "model", owned_by: "acme" });
    expect((model as unknown as { ready: boolean }).ready).toBe(false);
    const file = await client.models.retrieve("hf/acme/big-model-GGUF/Q4_K_M/big-model-Q4_K_M-00001-of-00003.gguf");
    expect(file.id).toBe("hf/acme/big-model-GGUF/Q4_K_M/big-model-Q4_K_M-00001-of-00003.gguf");
    await expect(client.models.retrieve("hf/acme/nope")).rejects.toMatchObject({
      status: 404,
      code: "model_not_found",
    });
    const anonymous = new OpenAI({ apiKey: "wrong", baseURL: `${server.url}/v1` });
    await expect(anonymous.models.list()).rejects.toMatchObject({ status: 401 });
  });

  it("routes model names as path segments and %2F-encoded", async () => {
    for (const p of [
      "/api/models/registry/hf/acme/tiny-onnx/manifest.json",
      "/api/models/registry/hf%2Facme%2Ftiny-onnx/manifest.json",
      "/v1/models/hf%2Facme%2Ftiny-onnx",
      "/v1/models/hf/acme/tiny-onnx",
    ]) {
      const res = await api(p);
      expect(res.status, p).toBe(200);
      const body = await res.json();
      expect(body.model ?? body.id).toBe("hf/acme/tiny-onnx");
    }
    const del = await api("/api/models/hf%2Facme%2Ftiny-onnx", { method: "DELETE" });
    expect(del.status).toBe(204);
    expect((await api("/v1/models/hf/acme/tiny-onnx")).status).toBe(404);
  });

  it("answers unknown API paths with JSON 404s", async () => {
    const api404 = await api("/api/nope/at/all");
    expect(api404.status).toBe(404);
    expect((await api404.json()).error.code).toBe("not_found");
    const v1404 = await api("/v1/chat/completions", { method: "POST", body: "{}" });
    expect(v1404.status).toBe(404);
    expect((await v1404.json()).error).toMatchObject({ type: "invalid_request_error", code: "not_found" });
  });

  it("serves /metrics to a Prometheus server and never redirects a scraper to the sign-in page", async () => {
    const none = await fetch(`${server.url}/metrics`, { redirect: "manual" });
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe("unauthorized");
    const scraped = await api("/metrics");
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scraped.text();
    expect(text).toMatch(/^llmlb_registrations_total\{outcome="created"\} [1-9]/m);
    expect(text).toMatch(/^llmlb_database_up 1$/m);
  });

  it("answers 304 to a node that already has the listing", async () => {
    const first = await api("/api/models");
    const etag = first.headers.get("etag") ?? "";
    const again = await api("/api/models", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
  });

  it("sends /v1/models and manifests gzipped to clients that accept it, the same bytes as the route handler", async () => {
    const key = { authorization: `Bearer ${adminKey}` };
    const manifest = "/api/models/registry/hf/acme/tiny-llama-GGUF/manifest.json";
    for (const p of ["/v1/models", manifest]) {
      const plain = await raw(p, key);
      expect(plain.status, p).toBe(200);
      expect(plain.headers["content-encoding"], p).toBeUndefined();
      // A query sends the request through Next's router to the route handler itself.
      const viaRouteHandler = await raw(`${p}?via=next`, key);
      expect(JSON.parse(plain.body.toString()), p).toEqual(JSON.parse(viaRouteHandler.body.toString()));
      const zipped = await raw(p, { ...key, "accept-encoding": "gzip, deflate, br" });
      expect(zipped.headers["content-encoding"], p).toBe("gzip");
      expect(zipped.headers.vary, p).toMatch(/accept-encoding/i);
      expect(Number(zipped.headers["content-length"]), p).toBe(zipped.body.length);
      expect(zipped.body.length, p).toBeLessThan(plain.body.length);
      expect(gunzipSync(zipped.body).equals(plain.body), p).toBe(true);
      const refused = await raw(p, { ...key, "accept-encoding": "gzip;q=0, identity" });
      expect(refused.headers["content-encoding"], p).toBeUndefined();
      expect(refused.body.equals(plain.body), p).toBe(true);
    }
    const first = await raw(manifest, key);
    const unchanged = await raw(manifest, { ...key, "if-none-match": String(first.headers.etag) });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body.length).toBe(0);
    const badKey = await raw("/v1/models", { authorization: "Bearer llmlb_not-a-key" });
    expect(badKey.status).toBe(401);
    expect(JSON.parse(badKey.body.toString()).error).toMatchObject({ type: "authentication_error" });
  });

  it("shows a deletion and a registration in the next /v1/models and manifest answer", async () => {
    const name = "hf/acme/tiny-safetensors";
    const ids = async () =>
      (
        JSON.parse((await raw("/v1/models", { authorization: `Bearer ${adminKey}` })).body.toString()) as {
          data: { id: string }[];
        }
      ).data.map((m) => m.id);
    const manifest = `/api/models/registry/${name}/manifest.json`;
    const before = await raw(manifest, { authorization: `Bearer ${adminKey}` });
    expect(before.status, before.body.toString()).toBe(200);
    expect(await ids()).toContain(name);
    expect((await api(`/api/models/${name}`, { method: "DELETE" })).status).toBe(204);
    expect(await ids()).not.toContain(name);
    const gone = await raw(manifest, { authorization: `Bearer ${adminKey}`, "accept-encoding": "gzip" });
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.body.toString()).error.code).toBe("model_not_found");
    expect((await register({ repo: "acme/tiny-safetensors" })).status).toBe(201);
    expect(await ids()).toContain(name);
    expect((await raw(manifest, { authorization: `Bearer ${adminKey}` })).status).toBe(200);
  });

  it("takes heartbeats before Next's router exactly as the route handler does", async () => {
    const announced = await api("/api/nodes", {
      method: "POST",
      body: JSON.stringify({
        name: "fast-path-node",
        runtimes: ["llama.cpp"],
        formats: ["gguf"],
        gpus: [],
        memory_bytes: 64e9,
        free_disk_bytes: 500e9,
        agent_version: "0.2.0",
      }),
    });
    expect(announced.status).toBe(201);
    const { id } = await announced.json();
    const put = (query: string, body: string) =>
      api(`/api/nodes/${id}/sync${query}`, { method: "PUT", body }).then(async (r) => ({
        status: r.status,
        json: await r.json(),
      }));
    const full = JSON.stringify({
      protocol: 2,
      session: "session-fast1",
      seq: 1,
      full: true,
      models: [{ name: "hf/acme/tiny-llama-GGUF", state: "ready", variant: "gguf:Q4_K_M" }],
    });
    // A query sends the same heartbeat through Next to the route handler.
    for (const query of ["", "?via=next"]) {
      const taken = await put(query, full);
      expect(taken.status, query).toBe(200);
      expect(taken.json, query).toMatchObject({ acked: 1, snapshot: false, refused: [] });
      const broken = await put(query, "{not json");
      expect(broken.status, query).toBe(400);
      expect(broken.json.error.code, query).toBe("invalid_json");
      const unknown = await api(`/api/nodes/00000000-0000-4000-8000-000000000000/sync${query}`, {
        method: "PUT",
        body: full,
      });
      expect(unknown.status, query).toBe(404);
    }
    const listed = await (await api("/v1/models/hf/acme/tiny-llama-GGUF")).json();
    expect(listed.ready).toBe(true);
  });

  it("refuses oversized and malformed bodies with JSON errors", async () => {
    const huge = await api("/api/models/register", {
      method: "POST",
      body: JSON.stringify({ repo: "x".repeat(100_000) }),
    });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe("payload_too_large");
    const bad = await api("/api/models/register", { method: "POST", body: "{oops" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_json");
    const none = await api("/api/models", {}, null);
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe("unauthorized");
  });

  it("logs each registration and Hub call as JSON lines, never a secret", async () => {
    const events = server.logs.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    const registered = events.filter((e) => e.event === "model.registered");
    expect(registered.some((e) => e.outcome === "created" && e.name === "hf/acme/tiny-safetensors")).toBe(true);
    const hubCalls = events.filter((e) => e.event === "hf.request");
    expect(hubCalls.length).toBeGreaterThan(0);
    expect(hubCalls[0]).toMatchObject({ status: expect.any(Number), latency_ms: expect.any(Number) });
    const all = server.logs.join("\n");
    expect(all).not.toContain(adminKey);
    expect(all).not.toContain(hub.token);
  });

  it("answers control characters and broken %-escapes in names with 400s in the route's shape, changing nothing", async () => {
    const before = await (await api("/api/models")).json();
    const keysBefore = await (await api("/api/keys")).json();
    const cases: [method: string, path: string, status: number, openai: boolean][] = [
      ["GET", "/api/models/hf/acme/tiny-llama-GGUF%00", 400, false],
      ["DELETE", "/api/models/hf/acme/tiny-llama-GGUF%00", 400, false],
      ["DELETE", "/api/models/hf%2Facme%2Ftiny-llama-GGUF%0A", 400, false],
      ["GET", "/api/models/%E0%A4%A", 400, false],
      ["DELETE", "/api/models/hf/acme/%FF", 400, false],
      ["GET", "/api/models/registry/hf/acme/tiny-llama-GGUF%00/manifest.json", 400, false],
      ["GET", "/api/models/registry/%E0%A4%A/manifest.json", 400, false],
      ["GET", "/v1/models/hf/acme/tiny-llama-GGUF%00", 400, true],
      ["GET", "/v1/models/hf/acme/a%01b", 400, true],
      ["GET", "/v1/models/%E0%A4%A", 400, true],
      ["GET", "/v1/%E0%A4%A", 400, true],
      ["DELETE", "/api/nodes/%E0%A4%A", 400, false],
      ["PUT", "/api/nodes/%E0%A4%A/sync", 400, false],
      ["DELETE", "/api/nodes/%00", 404, false],
      ["DELETE", "/api/keys/a%2", 400, false],
      ["DELETE", "/api/keys/%00", 404, false],
    ];
    for (const [method, p, status, openai] of cases) {
      const res = await api(p, { method, ...(method === "PUT" ? { body: "{}" } : {}) });
      expect(res.status, `${method} ${p}`).toBe(status);
      const { error } = await res.json();
      if (openai) expect(error, p).toMatchObject({ type: "invalid_request_error", param: null, code: "invalid_input" });
      else expect(error.code, p).toEqual(status === 400 ? "invalid_input" : expect.stringMatching(/_not_found$/));
      expect(error.message, p).toEqual(expect.any(String));
    }
    // A NUL in a JSON body cannot be stored either: a client error, not a 500.
    const key = await api("/api/keys", { method: "POST", body: JSON.stringify({ name: "a\u0000b", scope: "reader" }) });
    expect(key.status).toBe(400);
    expect((await key.json()).error.code).toBe("invalid_input");
    expect(await (await api("/api/models")).json()).toEqual(before);
    expect(await (await api("/api/keys")).json()).toEqual(keysBefore);
  });
});
