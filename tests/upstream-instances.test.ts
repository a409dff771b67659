// Following upstream across real server processes (docs/upstream.md): two instances on
// one PostgreSQL check each followed model once per interval between them (never once
// each), the periodic pass notices a push, and the fake hub's own webhook reaches the
// server over HTTP. Runs on PostgreSQL whatever TEST_DB says: the embedded database
// serves one process only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeHub, startFakeHub } from "./fake-hub";
import { waitUntil } from "./helpers/agent";
import { type RunningServer, startNextServer } from "./helpers/server";
import { createPostgresDatabase } from "./helpers/test-database";

const adminKey = "upstream-instances-admin-key-0123456789";
const secret = "webhook-secret-for-tests";
const intervalS = 2;
const repos = ["acme/tiny-llama-GGUF", "acme/tiny-safetensors", "acme/tiny-onnx", "acme/tiny-metal"];
let hub: FakeHub;
let a: RunningServer;
let b: RunningServer;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  hub = await startFakeHub();
  cleanups.push(() => hub.close());
  const db = await createPostgresDatabase();
  cleanups.push(() => db.drop());
  const env = {
    DATABASE_URL: db.url,
    HF_ENDPOINT: hub.url,
    HF_TOKEN: undefined,
    LLMLB_ADMIN_KEY: adminKey,
    LLMLB_UPSTREAM_CHECK_INTERVAL: `${intervalS}s`,
    LLMLB_HF_WEBHOOK_SECRET: secret,
  };
  a = await startNextServer(env);
  cleanups.push(() => a.stop());
  b = await startNextServer(env);
  cleanups.push(() => b.stop());
}, 120_000);

afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean();
});

async function call(server: RunningServer, p: string, init: { method?: string; json?: unknown } = {}) {
  const res = await fetch(`${server.url}${p}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** When each metadata call for `repo` reached the hub. */
const checksOf = (repo: string) =>
  hub.requests.filter((r) => r.method === "GET" && r.path.startsWith(`/api/models/${repo}/revision/`)).map((r) => r.at);

describe("following upstream with two server instances on one PostgreSQL", () => {
  it("checks each followed model once per interval between them, and notices a push", async () => {
    for (const repo of repos) {
      expect((await call(a, "/api/models/register", { method: "POST", json: { repo } })).status).toBe(201);
    }
    hub.clearRequests();
    // Placed within an interval of the first pass; then once per interval. Four intervals.
    const windowMs = 4 * intervalS * 1000 + 1_000;
    await new Promise((r) => setTimeout(r, windowMs));
    for (const repo of repos) {
      const at = checksOf(repo);
      expect(at.length, `${repo} checked in 4 intervals`).toBeGreaterThanOrEqual(2);
      expect(at.length, `${repo} checked at most once per interval`).toBeLessThanOrEqual(
        Math.ceil(windowMs / (intervalS * 1000)) + 1,
      );
      const gaps = at.slice(1).map((t, i) => t - at[i]);
      // Two instances each checking would make pairs milliseconds apart.
      for (const gap of gaps) expect(gap, `${repo}: ${at.join(", ")}`).toBeGreaterThan(intervalS * 1000 * 0.8);
      const { body } = await call(b, `/api/models/hf/${repo}`);
      expect(body.upstream.state).toBe("current");
    }

    const head = hub.push("acme/tiny-onnx", {
      write: [{ path: "onnx/model_quantized.onnx", kind: "binary", size: 80000, lfs: true, seed: "re-exported" }],
    });
    const seen = await waitUntil(
      async () => {
        const { body } = await call(b, "/api/models/hf/acme/tiny-onnx");
        return body.upstream.state === "update_available" ? body.upstream : null;
      },
      3 * intervalS * 1000,
      "the periodic check to notice the push",
    );
    expect(seen.commit).toBe(head);
    expect(seen.diff.changed.map((f: { filename: string }) => f.filename)).toEqual(["onnx/model_quantized.onnx"]);
    const { body: history } = await call(a, "/api/models/hf/acme/tiny-onnx/history");
    expect(history.history[0]).toMatchObject({ action: "upstream_moved", actor: "upstream-check", to_commit: head });
  }, 60_000);

  it("takes the fake hub's webhook over HTTP with the right secret only", async () => {
    const url = `${a.url}/api/hooks/huggingface`;
    const repo = "acme/tiny-metal";
    expect((await hub.sendWebhook({ url, secret: null, repo })).status).toBe(401);
    expect((await hub.sendWebhook({ url, secret: `${secret}x`, repo })).status).toBe(401);
    const head = hub.push(repo, { write: [{ path: "model.metal.bin", kind: "binary", size: 260001, lfs: true }] });
    const res = await hub.sendWebhook({ url, secret, repo });
    expect(res.status).toBe(202);
    expect(JSON.parse(res.body)).toEqual({ checking: ["hf/acme/tiny-metal"] });
    const seen = await waitUntil(
      async () => {
        const { body } = await call(b, "/api/models/hf/acme/tiny-metal");
        return body.upstream.commit === head ? body.upstream : null;
      },
      10_000,
      "the webhook's check",
    );
    expect(seen.state).toBe("update_available");
    expect(seen.diff.variants).toEqual([
      expect.objectContaining({ name: "metal", change: "changed", download_bytes: 260001 }),
    ]);
  }, 30_000);

  it("pauses the periodic checks on a 429 until Retry-After, instead of asking again each pass", async () => {
    hub.setOutage("ratelimit");
    try {
      hub.clearRequests();
      await new Promise((r) => setTimeout(r, 2.5 * intervalS * 1000));
      const asked = hub.requests.filter((r) => r.path.startsWith("/api/models/"));
      // Each instance meets one 429, then waits the hub's Retry-After (42 s).
      expect(asked.length, asked.map((r) => r.path).join("\n")).toBeGreaterThanOrEqual(1);
      expect(asked.length, asked.map((r) => r.path).join("\n")).toBeLessThanOrEqual(2);
      expect(asked.every((r) => r.status === 429)).toBe(true);
    } finally {
      hub.setOutage(null);
    }
    // The last answer found stays; the failed check is said beside it.
    const { body } = await call(a, "/api/models/hf/acme/tiny-llama-GGUF");
    expect(["current", "update_available"]).toContain(body.upstream.state);
  }, 30_000);
});
