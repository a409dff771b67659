// Tables, checks and notes for the fleet bench.
import type { FleetResults, MeasuredWindow } from "./fleet";
import type { Check, Part, Table } from "./report";
import { fmt, summarize } from "./stats";

const cores = (v: number) => fmt.num(v, 2);
// Clamped: the machine and per-process counters are read a few microseconds apart.
const other = (w: MeasuredWindow) =>
  Math.max(0, w.cpu.machine - w.cpu.server - w.cpu.postgres - w.cpu.bench - w.cpu.helpers);

export function buildFleetPart(r: FleetResults): Part {
  const o = r.opts;
  const load: Table = {
    title: `GET /v1/models, ${fmt.num(o.models)} models (${fmt.num(r.listingBytes / 1e3)} KB body), autocannon ${o.connections} connections × ${o.durationS} s`,
    headers: ["Scenario", "req/s", "p50 ms", "p99 ms", "Failed", "Server CPU (cores)", "Server share of 2 cores"],
    rows: r.windows.map((w) => {
      const s = summarize(w.load?.latenciesMs ?? []);
      return [
        w.label,
        w.load ? fmt.num(w.load.requestsPerSec) : "–",
        fmt.ms(s.p50),
        fmt.ms(s.p99),
        w.load ? String(w.load.failures) : "–",
        cores(w.cpu.server),
        fmt.pct(w.cpu.server / w.cpu.cores),
      ];
    }),
  };
  const cpu: Table = {
    title: "Where the 2 cores went in each window (CPU seconds per second; 2.00 = the whole machine)",
    headers: [
      "Scenario",
      "Server",
      "PostgreSQL backends",
      "Bench (autocannon, pollers)",
      "Simulated fleet",
      "Everything else",
      "Machine busy",
    ],
    rows: r.windows.map((w) => [
      w.label,
      cores(w.cpu.server),
      cores(w.cpu.postgres),
      cores(w.cpu.bench),
      cores(w.cpu.helpers),
      cores(other(w)),
      cores(w.cpu.machine),
    ]),
  };
  const fleetWindows = r.windows.filter((w) => w.heartbeats);
  const heartbeats: Table = {
    title: `Heartbeats: PUT /api/nodes/{id}/sync with all ${fmt.num(o.models)} models (${fmt.num(r.snapshotBytes / 1e3)} KB), every 5 s from each of ${o.nodes} nodes`,
    headers: ["Scenario", "Heartbeats/s", "With a state change/s", "p50 ms", "p99 ms", "max ms", "Failed"],
    rows: fleetWindows.map((w) => {
      const h = w.heartbeats as NonNullable<MeasuredWindow["heartbeats"]>;
      const s = summarize(h.latenciesMs);
      return [
        w.label,
        fmt.num(h.heartbeats / h.wallS, 1),
        fmt.num(h.stateChanges / h.wallS, 1),
        fmt.ms(s.p50),
        fmt.ms(s.p99),
        fmt.ms(s.max),
        String(h.failures),
      ];
    }),
  };
  const pollers: Record<string, string> = {
    "": "every model's state: the Models page, every 2.5 s",
    "?summary=true": "counts only: the Nodes page, every 2.5 s",
  };
  const nodesPage: Table = {
    title: `GET /api/nodes with ${o.nodes} nodes × ${fmt.num(o.models)} models, sequential, fleet running`,
    headers: ["Query", "Who polls it", "Requests", "p50 ms", "max ms", "Body (KB)"],
    rows: r.nodesPage.map((p) => {
      const s = summarize(p.latenciesMs);
      const who = pollers[p.view] ?? "one model's states: the model page (2.5 s), --wait-ready (1 s)";
      return [p.view || "(none)", who, String(s.n), fmt.ms(s.p50), fmt.ms(s.max), fmt.num(p.bytes / 1e3)];
    }),
  };
  return {
    title: "Fleet",
    tables: [load, cpu, heartbeats, nodesPage],
    checks: buildChecks(r, fleetWindows),
    notes: [note(r)],
  };
}

function buildChecks(r: FleetResults, fleetWindows: MeasuredWindow[]): Check[] {
  const bases = r.windows.filter((w) => w.load && !w.heartbeats);
  const busy = r.windows.find((w) => w.load && w.heartbeats);
  const expected = r.opts.nodes / 5;
  const worstRate = Math.min(...fleetWindows.map((w) => (w.heartbeats?.heartbeats ?? 0) / (w.heartbeats?.wallS ?? 1)));
  const failed = fleetWindows.reduce((n, w) => n + (w.heartbeats?.failures ?? 0), 0);
  const worstP99 = Math.max(...fleetWindows.map((w) => summarize(w.heartbeats?.latenciesMs ?? []).p99));
  const loadFailures = r.windows.reduce((n, w) => n + (w.load?.failures ?? 0), 0);
  const p99 = (w: MeasuredWindow | undefined) => fmt.ms(summarize(w?.load?.latenciesMs ?? []).p99);
  return [
    {
      what: "/v1/models p99 and server CPU with the fleet, next to no nodes",
      target: "report (no threshold)",
      measured: busy
        ? `p99 ${p99(busy)} ms vs ${bases.map(p99).join(" / ")} ms with no nodes; server ${fmt.pct(busy.cpu.server / busy.cpu.cores)} vs ${bases.map((b) => fmt.pct(b.cpu.server / b.cpu.cores)).join(" / ")} of the machine`
        : "–",
      pass: null,
    },
    {
      what: "Every heartbeat served on schedule",
      target: `${fmt.num(expected)}/s, none failed`,
      measured: `${fmt.num(worstRate, 1)}/s at worst, ${failed} failed`,
      pass: worstRate >= expected * 0.95 && failed === 0,
    },
    {
      what: "Heartbeat round trip under load",
      target: "p99 < 5 s (one interval; 15 s = offline)",
      measured: `p99 ${fmt.ms(worstP99)} ms at worst`,
      pass: worstP99 < 5_000,
    },
    {
      what: "No failed /v1/models request; the listing follows the fleet",
      target: "0 failed; models ready",
      measured: `${loadFailures} failed; ${fmt.num(r.readyModels)} of ${fmt.num(r.opts.models)} ready`,
      pass: loadFailures === 0 && r.readyModels > 0,
    },
  ];
}

/** Whether the loaded windows are comparable: the server got its one core in each, or not. */
function saturation(r: FleetResults): string {
  const loaded = r.windows.filter((w) => w.load);
  const server = loaded.map((w) => w.cpu.server);
  if (Math.min(...server) >= 0.9) {
    return "Under load the server process sits at about one core in every window: one Next.js process is bound by its single JavaScript thread, so what the fleet costs shows up as fewer /v1/models requests per second and a longer tail, not as more CPU.";
  }
  const others = loaded.map(other);
  return `In this run the server did not get a full core in every loaded window (${server.map(cores).join(", ")}) while other work on the machine took ${cores(Math.min(...others))}–${cores(Math.max(...others))} cores, so the rows compare less well than the CPU columns suggest; a single Next.js process can use at most about one core (its JavaScript thread).`;
}

function perBeatMs(w: MeasuredWindow | undefined): number {
  if (!w?.heartbeats) return Number.NaN;
  return (w.cpu.server * 1000) / (w.heartbeats.heartbeats / w.heartbeats.wallS);
}

function note(r: FleetResults): string {
  const [base, alone, churn, steady, again] = r.windows;
  const [full, summary, oneModel] = r.nodesPage.map((p) => ({ ...p, p50: summarize(p.latenciesMs).p50 }));
  const srv = (w: MeasuredWindow | undefined) => (w ? `${cores(w.cpu.server)} cores` : "–");
  const rate = (w: MeasuredWindow | undefined) =>
    w?.heartbeats ? fmt.num(w.heartbeats.stateChanges / w.heartbeats.wallS, 1) : "–";
  return [
    `**Fleet.** ${fmt.num(r.opts.models)} models are written straight into PostgreSQL (manifests as wide as real GGUF and safetensors registrations);`,
    `the ${r.opts.nodes} nodes are simulated in a child process that announces each one with POST /api/nodes and then, every 5 s per node (phases spread over the interval), PUTs the full snapshot a real agent sends:`,
    "about 90% ready, 6% pending, a few errors and unsupported models, and one download whose bytes_done grows every heartbeat.",
    `In the "downloads finishing" windows each node completes a download every 20–60 s (${rate(churn)} state changes/s across the fleet), which moves \`registry_state.sync_version\`, the key of the server's cached /v1/models body, so the listing is rebuilt (every model row, plus a grouped count over ${fmt.num(r.opts.models * r.opts.nodes)} node states) about that often;`,
    'the "no state changes" window sends the same heartbeats with progress only, which the server stores without invalidating the cache.',
    `The fleet alone costs the server ${srv(alone)}, about ${fmt.num(perBeatMs(alone))} ms of CPU per heartbeat (each parses and validates ${fmt.num(r.snapshotBytes / 1e3)} KB of JSON and reads the node's ${fmt.num(r.opts.models)} state rows);`,
    `under /v1/models load the server used ${srv(base)} with no nodes (${srv(again)} in the repeat after the fleet was deleted), ${srv(churn)} with the fleet and state changes, ${srv(steady)} with the fleet steady.`,
    saturation(r),
    "Where the time goes, from a CPU profile of the server taken over the inspector when this bench was written (steady state, fleet running): most of a heartbeat is drizzle mapping the node's 1,000 stored state rows (`select *`, two timestamps each, through Next's patched `Date`) and the 1,000-name model lookup, then zod validating the body;",
    `under /v1/models load most of the rest is HTTP work on the cached ${fmt.num(r.listingBytes / 1e3)} KB body (undici's body extraction in the route's Response, socket writes) and garbage collection, and with state changes the rebuilds and the requests queued behind them.`,
    `GET /api/nodes with every node's every model state is ${fmt.num(full.bytes / 1e6, 1)} MB (p50 ${fmt.ms(full.p50)} ms) at this scale, and only the Models page polls it;`,
    `the Nodes page polls the counts (${fmt.num(summary.bytes / 1e3)} KB, p50 ${fmt.ms(summary.p50)} ms), a model page and \`--wait-ready\` one model's states (${fmt.num(oneModel.bytes / 1e3)} KB, p50 ${fmt.ms(oneModel.p50)} ms).`,
    `The ${r.opts.pollers} long-pollers hold their requests open and cost next to nothing (they answered ${[...r.pollStatuses].map(([s, n]) => `${n}× ${s}`).join(", ")}).`,
    'The load generator, the simulated fleet, PostgreSQL and the server all share this machine\'s 2 cores, and so does anything else running on it ("Everything else"):',
    "the server's figures are what it got while competing for them, not what a dedicated machine would give.",
  ].join(" ");
}
