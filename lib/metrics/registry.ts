import "server-only";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { ApiError } from "@/lib/api/errors";
import { isDatabaseUnavailable } from "@/lib/db/errors";

// The Prometheus metrics of this server instance (GET /metrics; README "Metrics").
// Counters count what this process saw since it started: with two instances, a
// scraper sums them. Gauges about the fleet are read from the database at scrape time
// (lib/metrics/render-metrics.ts), so every instance exports the same figures.
//
// One registry per process, on globalThis: Next may load this module once per route
// bundle, and two registries would each count half of the events.

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const latencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  return {
    registry,
    registrations: new Counter({
      name: "llmlb_registrations_total",
      help: "Model registrations by outcome: created, or the error code that refused it.",
      labelNames: ["outcome"] as const,
      registers,
    }),
    upstreamChecks: new Counter({
      name: "llmlb_upstream_checks_total",
      help: "Checks of a followed model's upstream revision, by outcome: current, update_available, gone, or the error code of a check the Hub could not answer.",
      labelNames: ["outcome"] as const,
      registers,
    }),
    hubRequests: new Counter({
      name: "llmlb_hub_requests_total",
      help: "Metadata requests to the Hugging Face Hub (HF_ENDPOINT), one per redirect hop, by outcome.",
      labelNames: ["outcome"] as const,
      registers,
    }),
    hubDuration: new Histogram({
      name: "llmlb_hub_request_duration_seconds",
      help: "Time of one Hub metadata request, to the end of its body when it is read, by outcome.",
      labelNames: ["outcome"] as const,
      buckets: latencyBuckets,
      registers,
    }),
    heartbeatsReceived: new Counter({
      name: "llmlb_heartbeats_received_total",
      help: "Heartbeats (PUT /api/nodes/{id}/sync) from an authenticated caller.",
      registers,
    }),
    heartbeatsRejected: new Counter({
      name: "llmlb_heartbeats_rejected_total",
      help: "Heartbeats answered with an error, by its code (a refused body still counts for liveness).",
      labelNames: ["code"] as const,
      registers,
    }),
    heartbeatEntriesRefused: new Counter({
      name: "llmlb_heartbeat_entries_refused_total",
      help: "Entries of accepted heartbeats that were refused one by one (listed in the answer's refused).",
      registers,
    }),
    listingCacheHits: new Counter({
      name: "llmlb_listing_cache_hits_total",
      help: "Listings served from this instance's cache, by listing (api: /api/models, v1: /v1/models).",
      labelNames: ["listing"] as const,
      registers,
    }),
    listingCacheRebuilds: new Counter({
      name: "llmlb_listing_cache_rebuilds_total",
      help: "Listings built from the database because the cached one was out of date, by listing.",
      labelNames: ["listing"] as const,
      registers,
    }),
    listingWaiters: new Gauge({
      name: "llmlb_listing_waiters",
      help: "Long-polls of GET /api/models?wait=N waiting on this instance now.",
      registers,
    }),
    databaseUp: new Gauge({
      name: "llmlb_database_up",
      help: "1 when the database answered this scrape's fleet queries; 0 when it did not, and the fleet gauges are then 0 or absent.",
      registers,
    }),
    nodesKnown: new Gauge({ name: "llmlb_nodes", help: "Nodes known to the registry.", registers }),
    nodesOnline: new Gauge({
      name: "llmlb_nodes_online",
      help: "Nodes heard from within the offline threshold (15 s).",
      registers,
    }),
    modelsRegistered: new Gauge({ name: "llmlb_models", help: "Registered models.", registers }),
    modelNodes: new Gauge({
      name: "llmlb_model_nodes",
      help: "Online nodes per model and state (ready, downloading, error); the first 1,000 models by name only.",
      labelNames: ["model", "state"] as const,
      registers,
    }),
    nodeDownloadedBytes: new Gauge({
      name: "llmlb_node_downloaded_bytes",
      help: "Bytes a node reports downloaded, over its downloading and ready models; the first 1,000 nodes by name only.",
      labelNames: ["node"] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const globalForMetrics = globalThis as unknown as { __llmlbMetrics?: Metrics };
globalForMetrics.__llmlbMetrics ??= createMetrics();

/** The process-wide metrics. */
export const metrics: Metrics = globalForMetrics.__llmlbMetrics;

/** The label of a failure: its API error code, as the client was answered. */
export function errorCodeOf(error: unknown): string {
  if (error instanceof ApiError) return error.code;
  return isDatabaseUnavailable(error) ? "database_unavailable" : "internal_error";
}
