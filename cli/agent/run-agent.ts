// `llmlb node run`'s long-running part: announce, then three loops under one
// AbortSignal: heartbeats (the full sync snapshot), registry long-polling (reconcile on
// change), and the download worker that runs a job per queued model. Server outages are
// logged and waited out.
import fs from "node:fs/promises";
import { ApiClient, ApiClientError, type RegistryModel } from "../lib/api-client";
import type { NodeRunConfig } from "../lib/config";
import { CliError, ExitCode } from "../lib/exit-codes";
import { AgentStateStore, agentStatePath } from "./cache/state-file";
import { DownloadSlots } from "./download/download-slots";
import { normalizeEtag } from "./download/hub-request";
import { Backoff, sleep } from "./download/retry";
import { announce, clampInterval, createOutageLog, freeDisk, type OutageLog } from "./loop/announce";
import { type AgentContext, DownloadQueue, type ModelRecord, Waker } from "./loop/context";
import { syncModel } from "./loop/model-sync";
import { applyListing, planPending } from "./loop/reconcile";
import { createRefusalLog, toSyncEntry } from "./loop/sync-report";
import type { Reporter } from "./output/progress";

async function heartbeatLoop(
  ctx: AgentContext,
  outage: OutageLog,
  firstListing: Promise<void>,
  etag: () => string | null,
) {
  await firstListing; // an empty snapshot before the first listing would un-ready every model
  const backoff = new Backoff();
  const logRefusals = createRefusalLog(ctx.reporter);
  while (!ctx.signal.aborted) {
    let wait = ctx.heartbeatMs;
    try {
      const models = [...ctx.models.values()].map(toSyncEntry);
      const res = await ctx.api.sync(ctx.nodeId, { free_disk_bytes: await freeDisk(ctx), models }, ctx.signal);
      outage.up();
      logRefusals(res.refused);
      backoff.reset();
      ctx.heartbeatMs = clampInterval(res.heartbeat_interval_s);
      wait = ctx.heartbeatMs;
      if (normalizeEtag(res.registry_etag) !== normalizeEtag(etag())) ctx.poll.wake();
    } catch (err) {
      if (ctx.signal.aborted) return;
      if (err instanceof ApiClientError && err.status === 404 && err.code === "node_not_found") {
        ctx.reporter.event("warn", "node.forgotten", "the server forgot this node; announcing again", {});
        await announce(ctx, outage, false);
        continue;
      }
      if (err instanceof ApiClientError && err.status === 403) {
        // Another key announced this node name: announcing again says so (409) in the log.
        ctx.reporter.event("error", "node.taken_over", `heartbeat refused: ${err.message}`, {});
        await announce(ctx, outage, false);
        continue;
      }
      wait = Math.min(backoff.next(), ctx.heartbeatMs);
      outage.down(err, wait);
    }
    await ctx.heartbeat.wait(wait, ctx.signal);
  }
}

async function pollLoop(
  ctx: AgentContext,
  outage: OutageLog,
  onFirstListing: () => void,
  state: { etag: string | null },
) {
  const backoff = new Backoff();
  let models: RegistryModel[] | null = null;
  while (!ctx.signal.aborted) {
    const started = Date.now();
    const waitS = state.etag && models ? ctx.config.pollWaitS : 0;
    let listing: Awaited<ReturnType<ApiClient["listModels"]>>;
    try {
      listing = await ctx.api.listModels({ etag: models ? state.etag : null, waitS, signal: ctx.signal });
      outage.up();
      backoff.reset();
    } catch (err) {
      if (ctx.signal.aborted) return;
      const delay = backoff.next();
      outage.down(err, delay);
      await sleep(delay, ctx.signal);
      continue;
    }
    try {
      if (listing.status === 200) {
        state.etag = listing.etag;
        models = listing.listing.models;
        await applyListing(ctx, models);
        ctx.heartbeat.wake();
      }
      onFirstListing();
      await planPending(ctx);
    } catch (err) {
      // A cache problem (permissions, a full disk) must not stop the loop that reports it.
      ctx.reporter.event("error", "agent.error", `reconcile failed: ${(err as Error).message}`, {});
      onFirstListing();
    }
    // Pace the loop when the server answers at once (no long-poll support, no ETag):
    // one poll per heartbeat interval is what the contract asks of a node anyway.
    const elapsed = Date.now() - started;
    const longPolled = listing.status === 304 && elapsed >= waitS * 500;
    const gap = longPolled ? 0 : listing.status === 200 && state.etag ? 250 : ctx.heartbeatMs;
    await ctx.poll.wait(gap - elapsed, ctx.signal);
  }
}

/**
 * Starts a job for each queued model. Jobs run side by side; what bounds the work is the
 * file transfers they share (ctx.slots), so a model whose files wait to retry holds back
 * no other model.
 */
async function downloadWorker(ctx: AgentContext): Promise<void> {
  const running = new Set<Promise<void>>();
  for (;;) {
    const name = await ctx.queue.next(ctx.signal);
    if (name === null) break;
    const rec = ctx.models.get(name);
    if (!rec?.plan || rec.job) continue;
    const job = runJob(ctx, rec);
    running.add(job);
    void job.finally(() => running.delete(job));
  }
  await Promise.all(running);
}

async function runJob(ctx: AgentContext, rec: ModelRecord): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  ctx.signal.addEventListener("abort", stop, { once: true });
  let finish = () => {};
  rec.job = { controller, done: new Promise<void>((resolve) => (finish = resolve)) };
  try {
    await syncModel(ctx, rec, controller.signal);
  } catch (err) {
    ctx.reporter.event("error", "agent.error", `${rec.name}: ${(err as Error).message}`, { model: rec.name });
  } finally {
    ctx.signal.removeEventListener("abort", stop);
    rec.job = null;
    finish();
  }
}

/** Runs until `signal` aborts; throws CliError for what no retry can fix (a rejected key). */
export async function runAgent(config: NodeRunConfig, reporter: Reporter, signal: AbortSignal): Promise<void> {
  try {
    await fs.mkdir(config.cacheDir, { recursive: true });
  } catch (err) {
    throw new CliError(
      `cannot create the cache directory ${config.cacheDir}: ${(err as Error).message}`,
      ExitCode.usage,
    );
  }
  const store = new AgentStateStore(agentStatePath(config.cacheDir, config.name));
  const warning = await store.load();
  if (warning) reporter.event("warn", "state.reset", warning, {});
  const ctx: AgentContext = {
    config,
    api: new ApiClient({ baseUrl: config.url, apiKey: config.apiKey }),
    reporter,
    store,
    models: new Map(),
    queue: new DownloadQueue(),
    slots: new DownloadSlots(config.downloads),
    diskClaims: new Map(),
    signal,
    nodeId: "",
    heartbeatMs: 5000,
    heartbeat: new Waker(),
    poll: new Waker(),
  };
  reporter.event(
    "info",
    "agent.starting",
    `llmlb node agent ${config.agentVersion}: ${config.name}, cache ${config.cacheDir}`,
    {
      name: config.name,
      url: config.url,
      hf_endpoint: config.hfEndpoint,
      cache_dir: config.cacheDir,
      formats: config.formats,
      hf_token: config.hfToken ? "set" : "unset",
    },
  );
  const outage = createOutageLog(reporter);
  await announce(ctx, outage, true);
  if (signal.aborted) return;

  let markFirst = () => {};
  const firstListing = new Promise<void>((resolve) => {
    markFirst = resolve;
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  const registry = { etag: null as string | null };
  await Promise.all([
    heartbeatLoop(ctx, outage, firstListing, () => registry.etag),
    pollLoop(ctx, outage, markFirst, registry),
    downloadWorker(ctx),
  ]);
  await store.save().catch(() => {});
}
