// Fleet load: GET /v1/models under autocannon on a 1,000-model registry, first with no
// nodes, then with 100 simulated nodes heartbeating full snapshots every 5 s and 10
// clients long-polling the registry, with the server's CPU share in each window.

import { withCleanups } from "./cleanup";
import { type CpuShares, startCpuMeter } from "./cpu-meter";
import { type Fleet, startFleet } from "./fleet-process";
import type { FleetReport } from "./fleet-sim";
import { SimulatedNodeStates } from "./fleet-states";
import { type LoadResult, runLoad } from "./load";
import { type LongPoller, startLongPoller } from "./long-poll";
import { seedModels } from "./seed";
import { type Stack, startStack } from "./stack";
import { sleep } from "./stats";

export interface FleetOptions {
  models: number;
  nodes: number;
  pollers: number;
  connections: number;
  durationS: number;
  warmupS: number;
}

export interface MeasuredWindow {
  label: string;
  load: LoadResult | null;
  cpu: CpuShares;
  heartbeats: FleetReport | null;
}

export interface FleetResults {
  opts: FleetOptions;
  windows: MeasuredWindow[];
  snapshotBytes: number;
  listingBytes: number;
  /** Models /v1/models reports ready once the fleet runs: proves the heartbeats landed. */
  readyModels: number;
  pollStatuses: Map<number, number>;
  /** GET /api/nodes at fleet scale: what the console's Nodes and Models pages poll. */
  /** GET /api/nodes in each form a poller uses: full (Models page), ?summary=true (Nodes page), ?model= (model page, --wait-ready). */
  nodesPage: { view: string; latenciesMs: number[]; bytes: number }[];
}

export async function measureFleet(opts: FleetOptions): Promise<FleetResults> {
  return withCleanups(async (cleanups) => {
    const stack = await startStack(cleanups, { database: "postgres" });
    if (!stack.databaseUrl) throw new Error("the fleet bench needs PostgreSQL");
    console.log(`  seeding ${opts.models} models…`);
    const models = await seedModels(stack.databaseUrl, opts.models);
    const readerKey = await stack.createKey("reader");
    const nodeKey = await stack.createKey("node");
    const v1 = `${stack.server.url}/v1/models`;
    const listingBytes = (await (await fetch(v1, { headers: { authorization: `Bearer ${readerKey}` } })).text()).length;
    const loadWindow = async (label: string, fleet: Fleet | null, warmupS = opts.warmupS): Promise<MeasuredWindow> => {
      // Unmeasured warm-up: JIT, connection pools and the listing cache settle first.
      await runLoad({ url: v1, apiKey: readerKey, connections: opts.connections, durationS: warmupS });
      fleet?.mark();
      const meter = await startCpuMeter(meterSources(stack, fleet));
      const load = await runLoad({
        url: v1,
        apiKey: readerKey,
        connections: opts.connections,
        durationS: opts.durationS,
      });
      const cpu = await meter.stop();
      return { label, load, cpu, heartbeats: fleet ? await fleet.report() : null };
    };

    console.log("  /v1/models with no nodes…");
    // A fresh server needs longer to reach its stride than the later windows do.
    const windows = [await loadWindow("no nodes", null, opts.warmupS * 3)];

    const pollers: LongPoller[] = [];
    cleanups.add("stop long-pollers", () => Promise.all(pollers.map((p) => p.stop())));
    for (let i = 0; i < opts.pollers; i++) {
      pollers.push(startLongPoller({ serverUrl: stack.server.url, apiKey: nodeKey, waitS: 25 }));
    }
    console.log(`  starting ${opts.nodes} simulated nodes…`);
    const fleet = await startFleet({
      serverUrl: stack.server.url,
      nodeKey,
      models,
      nodes: opts.nodes,
      intervalMs: 5_000,
      lifetimeMs: 5 * 60_000,
    });
    cleanups.add("stop fleet", () => fleet.stop());
    // One more interval: every node past its first snapshot (which inserts 1,000 rows).
    await sleep(5_000);

    console.log("  fleet alone, then with /v1/models load…");
    fleet.mark();
    const meter = await startCpuMeter(meterSources(stack, fleet));
    await sleep(opts.durationS * 1000);
    const cpu = await meter.stop();
    windows.push({
      label: `${opts.nodes} nodes + ${opts.pollers} pollers, no /v1 load`,
      load: null,
      cpu,
      heartbeats: await fleet.report(),
    });
    windows.push(await loadWindow(`${opts.nodes} nodes + ${opts.pollers} pollers, downloads finishing`, fleet));
    fleet.setChurn(false);
    await sleep(1_000);
    windows.push(await loadWindow(`${opts.nodes} nodes + ${opts.pollers} pollers, no state changes`, fleet));

    const listing = (await (await fetch(v1, { headers: { authorization: `Bearer ${readerKey}` } })).json()) as {
      data: { ready: boolean }[];
    };
    const views = ["", "?summary=true", `?model=${encodeURIComponent(models[0].name)}`];
    const nodesPage = [];
    for (const view of views) nodesPage.push({ view, ...(await timeNodesListing(stack, readerKey, 5, view)) });

    // The same load once the fleet is gone, so drifting machine load shows up as a
    // difference between the two no-node rows rather than as a fleet effect.
    await fleet.stop();
    await Promise.all(pollers.map((p) => p.stop()));
    for (const id of nodesPage[0].ids) await stack.api(`/api/nodes/${id}`, { method: "DELETE" });
    windows.push(await loadWindow("no nodes (again, fleet deleted)", null));

    const pollStatuses = new Map<number, number>();
    for (const p of pollers) for (const [s, n] of p.statuses) pollStatuses.set(s, (pollStatuses.get(s) ?? 0) + n);
    return {
      opts,
      windows,
      snapshotBytes: JSON.stringify({
        free_disk_bytes: 2e12,
        models: new SimulatedNodeStates(0, models, () => 8).snapshot(),
      }).length,
      listingBytes,
      readyModels: listing.data.filter((m) => m.ready).length,
      pollStatuses,
      nodesPage: nodesPage.map(({ view, latenciesMs, bytes }) => ({ view, latenciesMs, bytes })),
    };
  });
}

async function timeNodesListing(stack: Stack, apiKey: string, samples: number, query: string) {
  const latenciesMs: number[] = [];
  let bytes = 0;
  let ids: string[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const res = await fetch(`${stack.server.url}/api/nodes${query}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const text = await res.text();
    latenciesMs.push(performance.now() - started);
    if (!res.ok) throw new Error(`GET /api/nodes${query} → ${res.status}`);
    bytes = text.length;
    ids = (JSON.parse(text) as { nodes: { id: string }[] }).nodes.map((n) => n.id);
  }
  return { latenciesMs, bytes, ids };
}

function meterSources(stack: Stack, fleet: Fleet | null) {
  return {
    serverPid: stack.serverPid,
    postgresPids: () => stack.postgresPids(),
    helperPids: () => (fleet ? [fleet.pid] : []),
  };
}
