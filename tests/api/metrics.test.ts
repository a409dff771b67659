// GET /metrics, as a Prometheus server scrapes it: who may read it, that the text parses
// with a parser of the format that is not ours, and that what people do to the registry
// and the fleet moves the figures they would alert on.
import { sql } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { flushLiveness } from "@/lib/nodes/liveness";
import { ensureAuthSecret } from "@/lib/settings/auth-secret";
import { createUser } from "@/lib/users/manage-users";
import { adminKey, startHubForFile } from "../helpers/env";
import { type CallOptions, callApi, callJson } from "../helpers/routes";

startHubForFile();

const metricsToken = "metrics-token-for-the-prometheus-server";
const TINY = "hf/acme/tiny-safetensors";
const ONNX = "hf/acme/tiny-onnx";
let nodeKey: string;
let readerKey: string;

beforeAll(async () => {
  process.env.LLMLB_METRICS_TOKEN = metricsToken;
  const mk = async (scope: string) =>
    (await callJson("POST", "/api/keys", { key: adminKey, json: { name: scope, scope } })).body.key as string;
  nodeKey = await mk("node");
  readerKey = await mk("reader");
  for (const repo of ["acme/tiny-safetensors", "acme/tiny-onnx"]) {
    expect((await callJson("POST", "/api/models/register", { key: adminKey, json: { repo } })).status).toBe(201);
  }
});

type Family = { name: string; type: string };
type Sample = { name: string; labels: Record<string, string>; value: number };

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * The samples of a scrape, each with its full name (a histogram's `_count` too). The text
 * is first read whole by parse-prometheus-text-format, which throws on any line that is
 * not the format; its objects drop a labelled histogram's labels, so values are read here.
 */
function readScrape(text: string): { families: Family[]; samples: Sample[] } {
  const families = parsePrometheusTextFormat(text) as Family[];
  const samples = text
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [, name, labels = "", value] = sampleLine.exec(line) ?? [];
      expect(name, line).toBeDefined();
      const pairs = [...labels.matchAll(labelPair)].map(([, k, v]) => [k, JSON.parse(`"${v}"`)]);
      return { name, labels: Object.fromEntries(pairs), value: Number(value) };
    });
  return { families, samples };
}

async function scrape(opts: CallOptions = { key: readerKey }): Promise<Sample[]> {
  const res = await callApi("GET", "/metrics", opts);
  expect(res.status).toBe(200);
  return readScrape(await res.text()).samples;
}

/** The value of one series, or undefined when it is not exported. */
function sample(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/** A counter's value, 0 while it has not been exported yet. */
const counter = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  sample(samples, name, labels) ?? 0;

async function announce(name: string): Promise<string> {
  const res = await callJson("POST", "/api/nodes", { key: nodeKey, json: { name, formats: ["safetensors", "onnx"] } });
  expect(res.status).toBe(201);
  return res.body.id;
}

const sync = (id: string, models: unknown[], key = nodeKey) =>
  callJson("PUT", `/api/nodes/${id}/sync`, { key, json: { models } });

describe("who may read /metrics", () => {
  it("answers a reader or admin key, the metrics token and a signed-in viewer; 403 to a node key, 401 to anyone else", async () => {
    const none = await callJson("GET", "/metrics");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("unauthorized");
    const node = await callJson("GET", "/metrics", { key: nodeKey });
    expect(node.status).toBe(403);
    expect(node.body.error.message).toContain("a reader or an admin key");
    const wrong = await callJson("GET", "/metrics", { key: `${metricsToken}x` });
    expect(wrong.status).toBe(401);
    const malformed = await callJson("GET", "/metrics", { headers: { authorization: `Basic ${metricsToken}` } });
    expect(malformed.status).toBe(401);

    expect((await callApi("GET", "/metrics", { key: readerKey })).status).toBe(200);
    expect((await callApi("GET", "/metrics", { key: adminKey })).status).toBe(200);
    expect((await callApi("GET", "/metrics", { key: metricsToken })).status).toBe(200);

    await ensureAuthSecret();
    const viewer = await createUser({ email: "viewer@example.com", password: "viewer-password-1", role: "viewer" });
    const cookieName = "authjs.session-token";
    const token = await encode({
      token: { sub: viewer.id, signedInAt: Date.now() },
      secret: process.env.AUTH_SECRET ?? "",
      salt: cookieName,
    });
    expect((await callApi("GET", "/metrics", { headers: { cookie: `${cookieName}=${token}` } })).status).toBe(200);
  });

  it("takes no token while LLMLB_METRICS_TOKEN is unset", async () => {
    delete process.env.LLMLB_METRICS_TOKEN;
    try {
      expect((await callApi("GET", "/metrics", { key: metricsToken })).status).toBe(401);
    } finally {
      process.env.LLMLB_METRICS_TOKEN = metricsToken;
    }
  });
});

describe("the text format", () => {
  it("is Prometheus text 0.0.4 that a parser of the format reads whole", async () => {
    const res = await callApi("GET", "/metrics", { key: metricsToken });
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { families, samples } = readScrape(await res.text());
    const types = Object.fromEntries(families.map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      llmlb_registrations_total: "COUNTER",
      llmlb_hub_requests_total: "COUNTER",
      llmlb_hub_request_duration_seconds: "HISTOGRAM",
      llmlb_heartbeats_received_total: "COUNTER",
      llmlb_heartbeats_rejected_total: "COUNTER",
      llmlb_heartbeat_entries_refused_total: "COUNTER",
      llmlb_listing_cache_hits_total: "COUNTER",
      llmlb_listing_cache_rebuilds_total: "COUNTER",
      llmlb_listing_waiters: "GAUGE",
      llmlb_nodes_online: "GAUGE",
      llmlb_model_nodes: "GAUGE",
      llmlb_node_downloaded_bytes: "GAUGE",
      llmlb_database_up: "GAUGE",
      process_cpu_seconds_total: "COUNTER",
    });
    expect(sample(samples, "llmlb_database_up")).toBe(1);
    expect(sample(samples, "llmlb_models")).toBe(2);
  });
});

describe("what moves the figures", () => {
  it("counts registrations by outcome, and a Hub failure by outcome with its latency", async () => {
    const before = await scrape();
    expect(
      (await callJson("POST", "/api/models/register", { key: adminKey, json: { repo: "acme/tiny-llama-GGUF" } }))
        .status,
    ).toBe(201);
    const exists = await callJson("POST", "/api/models/register", {
      key: adminKey,
      json: { repo: "acme/tiny-llama-GGUF" },
    });
    expect(exists.status).toBe(409);
    const failing = await callJson("POST", "/api/models/register", { key: adminKey, json: { repo: "acme/failing" } });
    expect(failing.status).toBe(424);
    expect(failing.body.error.code).toBe("hf_unavailable");
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string>) =>
      counter(after, name, labels) - counter(before, name, labels);
    expect(delta("llmlb_registrations_total", { outcome: "created" })).toBe(1);
    expect(delta("llmlb_registrations_total", { outcome: "model_exists" })).toBe(1);
    expect(delta("llmlb_registrations_total", { outcome: "hf_unavailable" })).toBe(1);
    // The second registration of tiny-llama is answered from the metadata cache: one Hub call.
    expect(delta("llmlb_hub_requests_total", { outcome: "ok" })).toBe(1);
    expect(delta("llmlb_hub_requests_total", { outcome: "server_error" })).toBe(1);
    expect(delta("llmlb_hub_request_duration_seconds_count", { outcome: "server_error" })).toBe(1);
    expect(sample(after, "llmlb_models")).toBe(3);
  });

  it("counts heartbeats received and rejected, and entries refused", async () => {
    const id = await announce("gpu-heartbeats");
    const before = await scrape();
    expect((await sync(id, [{ name: TINY, state: "ready" }])).status).toBe(200);
    const refused = await sync(id, [
      { name: ONNX, state: "ready" },
      { name: TINY, state: "sleeping" },
    ]);
    expect(refused.status).toBe(200);
    expect(refused.body.refused).toHaveLength(1);
    expect((await sync(id, [], adminKey)).status).toBe(200);
    const stranger = await callJson("POST", "/api/keys", { key: adminKey, json: { name: "other", scope: "node" } });
    expect((await sync(id, [], stranger.body.key)).status).toBe(403);
    const notJson = await callApi("PUT", `/api/nodes/${id}/sync`, { key: nodeKey, body: "{not json" });
    expect(notJson.status).toBe(400);
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string> = {}) =>
      counter(after, name, labels) - counter(before, name, labels);
    expect(delta("llmlb_heartbeats_received_total")).toBe(5);
    expect(delta("llmlb_heartbeats_rejected_total", { code: "forbidden" })).toBe(1);
    expect(delta("llmlb_heartbeats_rejected_total", { code: "invalid_json" })).toBe(1);
    expect(delta("llmlb_heartbeat_entries_refused_total")).toBe(1);
  });

  it("per-model node counts and each node's downloaded bytes follow what nodes report", async () => {
    const a = await announce("gpu-models-a");
    const b = await announce("gpu-models-b");
    expect((await sync(a, [{ name: TINY, state: "downloading", bytes_done: 1000, bytes_total: 4000 }])).status).toBe(
      200,
    );
    expect(
      (await sync(b, [{ name: TINY, state: "error", error: { code: "disk_full", message: "full" } }])).status,
    ).toBe(200);
    let scraped = await scrape();
    const modelNodes = (fs: Sample[], model: string, state: string) =>
      sample(fs, "llmlb_model_nodes", { model, state });
    expect(modelNodes(scraped, TINY, "downloading")).toBe(1);
    expect(modelNodes(scraped, TINY, "error")).toBe(1);
    expect(sample(scraped, "llmlb_node_downloaded_bytes", { node: "gpu-models-a" })).toBe(1000);
    expect(sample(scraped, "llmlb_node_downloaded_bytes", { node: "gpu-models-b" })).toBe(0);

    expect(
      (
        await sync(a, [
          { name: TINY, state: "ready", bytes_done: 4000, bytes_total: 4000 },
          { name: ONNX, state: "downloading", bytes_done: 50, bytes_total: 90 },
        ])
      ).status,
    ).toBe(200);
    expect((await sync(b, [{ name: TINY, state: "ready", bytes_total: 4000 }])).status).toBe(200);
    scraped = await scrape();
    expect(modelNodes(scraped, TINY, "ready")).toBe(2);
    expect(modelNodes(scraped, TINY, "downloading")).toBe(0);
    expect(modelNodes(scraped, TINY, "error")).toBe(0);
    expect(modelNodes(scraped, ONNX, "downloading")).toBe(1);
    expect(sample(scraped, "llmlb_node_downloaded_bytes", { node: "gpu-models-a" })).toBe(4050);
    // A ready state without bytes_done (an older agent) counts its whole size.
    expect(sample(scraped, "llmlb_node_downloaded_bytes", { node: "gpu-models-b" })).toBe(4000);

    // A deleted model leaves the scrape.
    expect((await callApi("DELETE", `/api/models/${ONNX}`, { key: adminKey })).status).toBe(204);
    scraped = await scrape();
    expect(modelNodes(scraped, ONNX, "downloading")).toBeUndefined();
  });

  it("nodes online, and the models they hold, follow a node going offline", async () => {
    const id = await announce("gpu-going-away");
    expect((await sync(id, [{ name: TINY, state: "ready", bytes_done: 4000, bytes_total: 4000 }])).status).toBe(200);
    const before = await scrape();
    const online = sample(before, "llmlb_nodes_online") ?? 0;
    const ready = sample(before, "llmlb_model_nodes", { model: TINY, state: "ready" }) ?? 0;
    expect(online).toBeGreaterThanOrEqual(1);

    await flushLiveness(); // heartbeats noted but not yet written would make it seen again
    const { db } = await getDb();
    await db.execute(sql`update nodes set last_seen_at = now() - interval '16 seconds' where name = 'gpu-going-away'`);
    const after = await scrape();
    expect(sample(after, "llmlb_nodes_online")).toBe(online - 1);
    expect(sample(after, "llmlb_nodes")).toBe(sample(before, "llmlb_nodes"));
    expect(sample(after, "llmlb_model_nodes", { model: TINY, state: "ready" })).toBe(ready - 1);
    // What it downloaded is still on its disk.
    expect(sample(after, "llmlb_node_downloaded_bytes", { node: "gpu-going-away" })).toBe(4000);
  });

  it("counts listing cache hits and rebuilds", async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await callApi("GET", "/api/models", { key: readerKey })).status).toBe(200);
    expect((await callApi("GET", "/v1/models", { key: readerKey })).status).toBe(200);
    const after = await scrape();
    const delta = (name: string, listing: string) =>
      counter(after, name, { listing }) - counter(before, name, { listing });
    // The registry changed in the test before, so the first of these rebuilds and the next two are hits.
    expect(delta("llmlb_listing_cache_rebuilds_total", "api")).toBe(1);
    expect(delta("llmlb_listing_cache_hits_total", "api")).toBe(2);
    expect(delta("llmlb_listing_cache_rebuilds_total", "v1")).toBe(1);
  });

  it("shows the long-polls waiting for a registry change", async () => {
    const first = await callApi("GET", "/api/models", { key: readerKey });
    const etag = first.headers.get("etag") ?? "";
    const waiting = callApi("GET", "/api/models?wait=20", { key: readerKey, headers: { "if-none-match": etag } });
    let waiters = 0;
    for (let i = 0; i < 200 && waiters === 0; i++) {
      waiters = sample(await scrape(), "llmlb_listing_waiters") ?? 0;
      if (waiters === 0) await new Promise((r) => setTimeout(r, 10));
    }
    expect(waiters).toBe(1);
    expect((await callApi("DELETE", "/api/models/hf/acme/tiny-llama-GGUF", { key: adminKey })).status).toBe(204);
    expect((await waiting).status).toBe(200);
    expect(sample(await scrape(), "llmlb_listing_waiters")).toBe(0);
  });
});
