// The scenarios of issue 12's targets, each on a fresh stack (fake Hub, database, `next
// start` from the last build), with every floor a bare node:http server in its own process.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBytesFloor, startSinkFloor } from "../floor/floor";
import { type Cleanups, withCleanups } from "../nodes/cleanup";
import { type CpuShares, startCpuMeter } from "../nodes/cpu-meter";
import { type LoadResult, runLoad } from "../nodes/load";
import { type SeededModel, seedModels } from "../nodes/seed";
import { type Stack, startStack } from "../nodes/stack";
import { sleep } from "../nodes/stats";
import { captureResponse } from "../registry/load";
import { floorPort, serverPort } from "./ports";
import type { SimReport } from "./sim-fleet";
import { type SimFleet, startSimFleet } from "./sim-process";
import { type OfflineWatch, readyNodesNow, waitForReadyNodes, watchOfflineHttp, watchOfflineSql } from "./watch";

const intervalMs = 5_000;

export interface LoadPlan {
  connections: number;
  durationS: number;
  warmupS: number;
}

export interface Window {
  label: string;
  load: LoadResult | null;
  cpu: CpuShares | null;
  heartbeats: SimReport | null;
  maxOffline: number | null;
}

export interface ServerErrors {
  count: number;
  first: string | null;
}

/** Error lines the server logged (LOG_LEVEL=warn keeps only warnings and errors). */
function serverErrors(stack: Stack): ServerErrors {
  const lines = stack.server.logs.filter((line) => /"level":(50|60)/.test(line));
  return { count: lines.length, first: lines[0]?.slice(0, 300) ?? null };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function warmUp(url: string, apiKey: string, plan: LoadPlan): Promise<void> {
  await runLoad({ url, apiKey, connections: plan.connections, durationS: plan.warmupS });
}

async function measured(url: string, apiKey: string, plan: LoadPlan): Promise<LoadResult> {
  await warmUp(url, apiKey, plan);
  return runLoad({ url, apiKey, connections: plan.connections, durationS: plan.durationS });
}

/** Load on a bare node:http server in its own process returning the exact bytes and headers `url` answers. */
async function floorOf(url: string, apiKey: string, plan: LoadPlan): Promise<LoadResult & { bytes: number }> {
  // Right after a load the server may still be shedding it: a few tries, each said out loud.
  let captured = await captureResponse(url, bearer(apiKey));
  for (let i = 0; i < 5 && captured.status !== 200; i++) {
    console.warn(`  ${url} → ${captured.status} ${captured.body.toString("utf8").slice(0, 300)}; retrying`);
    await sleep(2_000);
    captured = await captureResponse(url, bearer(apiKey));
  }
  if (captured.status !== 200) throw new Error(`${url} → ${captured.status}`);
  const floor = await startBytesFloor(captured, floorPort());
  try {
    return { ...(await measured(floor.url, apiKey, plan)), bytes: captured.body.length };
  } finally {
    await floor.stop();
  }
}

function meter(stack: Stack, fleet: SimFleet | null, watch: OfflineWatch | null) {
  return startCpuMeter({
    serverPid: stack.serverPid,
    postgresPids: async () => (await stack.postgresPids()).filter((p) => p !== watch?.ownPid),
    helperPids: () => (fleet ? [fleet.pid] : []),
  });
}

/**
 * Waits until a whole interval passes in which no heartbeat failed and at whose end no node
 * still waits for its full state to be acknowledged: every first state stored, every node on
 * deltas. Returns how long that took.
 */
async function settle(fleet: SimFleet, maxIntervals = 36): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < maxIntervals; i++) {
    fleet.mark();
    await sleep(intervalMs);
    const r = await fleet.report();
    if (r.awaitingFull === 0 && r.failures === 0 && r.heartbeats > 0) break;
  }
  return (performance.now() - started) / 1000;
}

async function pgStack(cleanups: Cleanups, env?: Record<string, string>) {
  const stack = await startStack(cleanups, { database: "postgres", port: serverPort(), env });
  if (!stack.databaseUrl) throw new Error("expected PostgreSQL");
  return { stack, databaseUrl: stack.databaseUrl };
}

async function startFleet(
  cleanups: Cleanups,
  stack: Stack,
  nodeKey: string,
  models: SeededModel[],
  nodes: number,
  prefix = "sim",
  serverUrl = stack.server.url,
): Promise<SimFleet> {
  const fleet = await startSimFleet({
    serverUrl,
    nodeKey,
    models,
    nodes,
    intervalMs,
    form: "deltas",
    namePrefix: prefix,
    lifetimeMs: 60 * 60_000,
  });
  cleanups.add(`stop simulated fleet ${prefix}`, () => fleet.stop());
  return fleet;
}

// ---------------------------------------------------------------------------------------
// 1. /v1/models and manifest.json on 1,000 models with 100 nodes heartbeating (PostgreSQL)

export interface ListingResults {
  models: number;
  nodes: number;
  listingBytes: number;
  withFleet: Window;
  floor: LoadResult;
  fleetStopped: LoadResult;
  manifest: { load: LoadResult; floor: LoadResult; bytes: number };
  serverErrors: ServerErrors;
}

export function measureListing(opts: { models: number; nodes: number; load: LoadPlan }): Promise<ListingResults> {
  return withCleanups(async (cleanups) => {
    const { stack, databaseUrl } = await pgStack(cleanups);
    console.log(`  seeding ${opts.models} models, starting ${opts.nodes} nodes (protocol 2)…`);
    const models = await seedModels(databaseUrl, opts.models);
    const readerKey = await stack.createKey("reader");
    const nodeKey = await stack.createKey("node");
    const v1 = `${stack.server.url}/v1/models`;
    const fleet = await startFleet(cleanups, stack, nodeKey, models, opts.nodes);
    await settle(fleet);

    console.log("  /v1/models with the fleet heartbeating…");
    await warmUp(v1, readerKey, opts.load);
    fleet.mark();
    const cpuMeter = await meter(stack, fleet, null);
    const load = await runLoad({ url: v1, apiKey: readerKey, ...opts.load });
    const withFleet: Window = {
      label: `${opts.nodes} nodes heartbeating`,
      load,
      cpu: await cpuMeter.stop(),
      heartbeats: await fleet.report(),
      maxOffline: null,
    };
    console.log("  the same bytes from a floor in its own process…");
    const floor = await floorOf(v1, readerKey, opts.load);

    const manifestUrl = `${stack.server.url}/api/models/registry/${models[0].name}/manifest.json`;
    console.log("  manifest.json, then its floor…");
    const manifestLoad = await measured(manifestUrl, nodeKey, opts.load);
    const manifestFloor = await floorOf(manifestUrl, nodeKey, opts.load);

    console.log("  /v1/models with the fleet stopped (waiting until its nodes are offline)…");
    await fleet.stop();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const res = await stack.api<{ nodes: { online: boolean }[] }>("/api/nodes?summary=true", { expect: [200, 503] });
      if (res.status === 200 && res.body.nodes.every((n) => !n.online)) break;
      await sleep(1_000);
    }
    const fleetStopped = await measured(v1, readerKey, opts.load);
    return {
      models: opts.models,
      nodes: opts.nodes,
      listingBytes: floor.bytes,
      withFleet,
      floor,
      fleetStopped,
      manifest: { load: manifestLoad, floor: manifestFloor, bytes: manifestFloor.bytes },
      serverErrors: serverErrors(stack),
    };
  });
}

// ---------------------------------------------------------------------------------------
// 2. 1,000 nodes × 1,000 models every 5 s (PostgreSQL): no changes, 1% a minute, the old form

export interface FleetScaleResults {
  models: number;
  nodes: number;
  startS: number;
  windows: Window[];
  /** Each probe: ms from the node's change to /v1/models showing it; null when it never did. */
  changeLatenciesMs: (number | null)[];
  /** Polls of /v1/models the server refused (e.g. 503) while waiting for a change. */
  refusedPolls: number;
  churnPerMinute: number;
  serverErrors: ServerErrors;
  floorWindows: { label: string; cpu: number; heartbeats: SimReport }[];
}

export function measureFleetScale(opts: {
  models: number;
  nodes: number;
  windowS: number;
  churnPerMinute: number;
  probes: number;
}): Promise<FleetScaleResults> {
  return withCleanups(async (cleanups) => {
    const { stack, databaseUrl } = await pgStack(cleanups);
    console.log(`  seeding ${opts.models} models…`);
    const models = await seedModels(databaseUrl, opts.models);
    const readerKey = await stack.createKey("reader");
    const nodeKey = await stack.createKey("node");
    const watch = await watchOfflineSql(databaseUrl);
    cleanups.add("stop offline watch", () => watch.stop());
    console.log(`  starting ${opts.nodes} nodes; each sends its ${opts.models} states once, in full…`);
    const started = performance.now();
    const fleet = await startFleet(cleanups, stack, nodeKey, models, opts.nodes);
    await settle(fleet);
    const startS = (performance.now() - started) / 1000;
    const windows: Window[] = [];
    const window = async (label: string, body: () => Promise<void>) => {
      watch.take();
      fleet.mark();
      const cpuMeter = await meter(stack, fleet, watch);
      await body();
      windows.push({
        label,
        load: null,
        cpu: await cpuMeter.stop(),
        heartbeats: await fleet.report(),
        maxOffline: watch.take().maxOffline,
      });
      const w = windows[windows.length - 1];
      console.log(
        `  ${label}: server + PostgreSQL ${((w.cpu?.server ?? 0) + (w.cpu?.postgres ?? 0)).toFixed(2)} cores`,
      );
    };

    console.log("  protocol 2, nothing changing…");
    await window("protocol 2, no changes", () => sleep(opts.windowS * 1000));

    // Probe models change only by probe, so /v1/models tells exactly when a probe shows.
    const probeModels = models.slice(0, opts.probes).map((m) => m.name);
    fleet.churn(opts.churnPerMinute, probeModels);
    await sleep(intervalMs);
    const changeLatenciesMs: (number | null)[] = [];
    let refusedPolls = 0;
    console.log(
      `  protocol 2, ${(opts.churnPerMinute * 100).toFixed(0)}% of states changing a minute, ${opts.probes} probes…`,
    );
    await window(`protocol 2, ${(opts.churnPerMinute * 100).toFixed(0)}% of states changing a minute`, async () => {
      const until = performance.now() + opts.windowS * 1000;
      for (const model of probeModels) {
        const before = await readyNodesNow(stack.server.url, readerKey, model);
        const probe = await fleet.probe(model);
        const seen = await waitForReadyNodes(stack.server.url, readerKey, model, before + probe.readyDelta, 30_000);
        changeLatenciesMs.push(seen.seenAt === null ? null : seen.seenAt - probe.changedAt);
        refusedPolls += seen.refused;
        // Spread over the heartbeat cycle rather than in step with it.
        await sleep(Math.random() * 1_000);
      }
      if (performance.now() < until) await sleep(until - performance.now());
    });
    fleet.churn(0, []);

    console.log("  the old full-list form, nothing changing…");
    fleet.setForm("full");
    await sleep(intervalMs);
    await window("full lists (agents before protocol 2), no changes", () => sleep(opts.windowS * 1000));
    await fleet.stop();

    // The floor: the same heartbeats, read and parsed by a bare node:http server in its own process.
    console.log("  the same heartbeats against a floor that only parses them…");
    const sink = await startSinkFloor(floorPort());
    cleanups.add("stop sink floor", () => sink.stop());
    const floorFleet = await startFleet(cleanups, stack, nodeKey, models, opts.nodes, "floor", sink.url);
    await settle(floorFleet);
    const floorWindows: FleetScaleResults["floorWindows"] = [];
    for (const form of ["deltas", "full"] as const) {
      floorFleet.setForm(form);
      await sleep(intervalMs);
      floorFleet.mark();
      const cpuMeter = await startCpuMeter({ serverPid: sink.pid });
      await sleep(opts.windowS * 1000);
      const cpu = await cpuMeter.stop();
      floorWindows.push({
        label: form === "deltas" ? "protocol 2, no changes" : "full lists, no changes",
        cpu: cpu.server,
        heartbeats: await floorFleet.report(),
      });
    }
    return {
      models: opts.models,
      nodes: opts.nodes,
      startS,
      windows,
      changeLatenciesMs,
      refusedPolls,
      churnPerMinute: opts.churnPerMinute,
      floorWindows,
      serverErrors: serverErrors(stack),
    };
  });
}

// ---------------------------------------------------------------------------------------
// 3. PGlite: 100 nodes heartbeating while /v1/models is under load

export interface PgliteResults {
  models: number;
  nodes: number;
  window: Window;
  serverErrors: ServerErrors;
}

export function measurePglite(opts: { models: number; nodes: number; load: LoadPlan }): Promise<PgliteResults> {
  return withCleanups(async (cleanups) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-bench-pglite-"));
    cleanups.add("remove PGlite folder", () => rmSync(dir, { recursive: true, force: true }));
    console.log(`  seeding ${opts.models} models into PGlite…`);
    const models = await seedModels({ pgliteDir: dir }, opts.models);
    const stack = await startStack(cleanups, { database: "pglite", port: serverPort(), pgliteDir: dir });
    const readerKey = await stack.createKey("reader");
    const nodeKey = await stack.createKey("node");
    console.log(`  starting ${opts.nodes} nodes (protocol 2)…`);
    const fleet = await startFleet(cleanups, stack, nodeKey, models, opts.nodes);
    await settle(fleet);
    const watch = await watchOfflineHttp(stack.server.url, readerKey);
    cleanups.add("stop offline watch", () => watch.stop());
    const v1 = `${stack.server.url}/v1/models`;
    await warmUp(v1, readerKey, opts.load);
    watch.take();
    fleet.mark();
    const cpuMeter = await meter(stack, fleet, null);
    const load = await runLoad({ url: v1, apiKey: readerKey, ...opts.load });
    const cpu = await cpuMeter.stop();
    const heartbeats = await fleet.report();
    // One more sample after the load: a node that went offline during it shows here too.
    await sleep(2_500);
    return {
      models: opts.models,
      nodes: opts.nodes,
      window: { label: "PGlite", load, cpu, heartbeats, maxOffline: watch.take().maxOffline },
      serverErrors: serverErrors(stack),
    };
  });
}

// ---------------------------------------------------------------------------------------
// 4. A 10,000-model registry: /v1/models, and the models page for a signed-in user

export interface BigRegistryResults {
  models: number;
  nodes: number;
  load: LoadResult;
  floor: LoadResult;
  listingBytes: number;
  /** Time to the whole HTML of GET /models, signed in: the first after start, then warm samples. */
  page: { firstMs: number; samplesMs: number[]; bytes: number };
  serverErrors: ServerErrors;
}

const admin = { email: "bench@example.com", password: "bench-password-0123456789" };

export function measureBigRegistry(opts: {
  models: number;
  nodes: number;
  load: LoadPlan;
  pageSamples: number;
}): Promise<BigRegistryResults> {
  return withCleanups(async (cleanups) => {
    const { stack, databaseUrl } = await pgStack(cleanups, {
      LLMLB_ADMIN_EMAIL: admin.email,
      LLMLB_ADMIN_PASSWORD: admin.password,
    });
    console.log(`  seeding ${opts.models} models, starting ${opts.nodes} nodes…`);
    const models = await seedModels(databaseUrl, opts.models);
    const readerKey = await stack.createKey("reader");
    const nodeKey = await stack.createKey("node");
    await settle(await startFleet(cleanups, stack, nodeKey, models, opts.nodes));

    const cookie = await signIn(stack.server.url);
    const page = `${stack.server.url}/models`;
    const firstMs = (await timePage(page, cookie)).ms;
    const samplesMs: number[] = [];
    let bytes = 0;
    for (let i = 0; i < opts.pageSamples; i++) {
      const t = await timePage(page, cookie);
      samplesMs.push(t.ms);
      bytes = t.bytes;
    }
    console.log("  /v1/models under load, then its floor…");
    const v1 = `${stack.server.url}/v1/models`;
    const load = await measured(v1, readerKey, opts.load);
    const floor = await floorOf(v1, readerKey, opts.load);
    return {
      models: opts.models,
      nodes: opts.nodes,
      load,
      floor,
      listingBytes: floor.bytes,
      page: { firstMs, samplesMs, bytes },
      serverErrors: serverErrors(stack),
    };
  });
}

/** Signs in as a user does (the credentials form), returning the session cookie. */
async function signIn(serverUrl: string): Promise<string> {
  const csrf = await fetch(`${serverUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${serverUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, ...admin, callbackUrl: `${serverUrl}/models` }),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => /^authjs\.session-token=./.test(c));
  if (!session) throw new Error(`sign-in failed: ${res.status}`);
  return session;
}

/** The whole HTML, streamed to its end: what the server takes to render the page. */
async function timePage(url: string, cookie: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(url, { headers: { cookie }, redirect: "manual" });
  const html = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`GET ${url} → ${res.status} (signed in?)`);
  return { ms, bytes: html.length };
}
