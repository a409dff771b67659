// `llmlb node run`'s long-running part: announce, then four loops under one AbortSignal:
// heartbeats (loop/heartbeat.ts), registry long-polling and the planner
// (loop/long-poll.ts), and the download worker (loop/job-runner.ts).
import fs from "node:fs/promises";
import { ApiClient } from "../lib/api-client";
import type { NodeRunConfig } from "../lib/config";
import { CliError, ExitCode } from "../lib/exit-codes";
import { AgentStateStore, agentStatePath } from "./cache/state-file";
import { DownloadSlots } from "./download/download-slots";
import { announce } from "./loop/announce";
import { type AgentContext, DownloadQueue, Waker } from "./loop/context";
import { runHeartbeats } from "./loop/heartbeat";
import { runDownloadJobs } from "./loop/job-runner";
import { pollRegistry, runPlanner } from "./loop/long-poll";
import { createOutageLog } from "./loop/outage-log";
import type { Reporter } from "./output/progress";

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
    planner: new Waker(),
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
    runHeartbeats(ctx, outage, firstListing, () => registry.etag),
    pollRegistry(ctx, outage, markFirst, registry),
    firstListing.then(() => runPlanner(ctx)),
    runDownloadJobs(ctx),
  ]);
  await store.save().catch(() => {});
}
