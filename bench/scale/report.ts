// The headline table (every figure with its floor, ratio and issue 12 target) and the
// detail tables of the scale bench.
import type { LoadResult } from "../nodes/load";
import { fmt, summarize } from "../nodes/stats";
import type { Table } from "../report-tables";
import type { BigRegistryResults, FleetScaleResults, ListingResults, PgliteResults, Window } from "./scenarios";

export interface Headline {
  figure: string;
  value: string;
  floor: string;
  ratio: string;
  target: string;
  /** null: reported, no target. */
  met: boolean | null;
}

export interface ScaleResults {
  listing?: ListingResults;
  fleet?: FleetScaleResults;
  pglite?: PgliteResults;
  big?: BigRegistryResults;
}

const rps = (l: LoadResult) => `${fmt.num(l.requestsPerSec)} req/s`;
const p99 = (values: number[]) => summarize(values).p99;
const pctOfCore = (cores: number) => `${(cores * 100).toFixed(0)}% of a core`;
const n = (v: number) => fmt.num(v);
const bareFloor = "bare node:http in its own process, same bytes";

export function headlineRows(r: ScaleResults): Headline[] {
  const rows: Headline[] = [];
  if (r.listing) {
    const l = r.listing;
    const load = l.withFleet.load as LoadResult;
    const ratio = load.requestsPerSec / l.floor.requestsPerSec;
    const own = load.requestsPerSec / l.fleetStopped.requestsPerSec;
    const mRatio = l.manifest.load.requestsPerSec / l.manifest.floor.requestsPerSec;
    const where = `${n(l.models)} models, ${n(l.nodes)} nodes heartbeating`;
    rows.push(
      {
        figure: `GET /v1/models, ${where} (PostgreSQL)`,
        value: rps(load),
        floor: `${bareFloor}: ${rps(l.floor)}`,
        ratio: fmt.pct(ratio),
        target: "≥ 30% of the floor",
        met: ratio >= 0.3 && load.failures === 0,
      },
      {
        figure: `GET /v1/models p99, ${where}`,
        value: `${fmt.ms(p99(load.latenciesMs))} ms`,
        floor: `same floor: ${fmt.ms(p99(l.floor.latenciesMs))} ms`,
        ratio: "–",
        target: "< 50 ms",
        met: p99(load.latenciesMs) < 50,
      },
      {
        figure: "GET /v1/models with the fleet heartbeating vs stopped",
        value: rps(load),
        floor: `its own figure, fleet stopped (nodes offline): ${rps(l.fleetStopped)}`,
        ratio: fmt.pct(own),
        target: "within 20% (≥ 80%)",
        met: own >= 0.8,
      },
      {
        figure: `manifest.json (${fmt.num(l.manifest.bytes / 1e3, 1)} KB), PostgreSQL`,
        value: rps(l.manifest.load),
        floor: `${bareFloor}: ${rps(l.manifest.floor)}`,
        ratio: fmt.pct(mRatio),
        target: "≥ 30% of the floor",
        met: mRatio >= 0.3 && l.manifest.load.failures === 0,
      },
    );
  }
  if (r.fleet) {
    const f = r.fleet;
    const quiet = f.windows[0];
    const cpu = (quiet.cpu?.server ?? 0) + (quiet.cpu?.postgres ?? 0);
    const floor = f.floorWindows.find((w) => w.label.startsWith("protocol 2"));
    const hbP99 = p99(quiet.heartbeats?.latenciesMs ?? []);
    const offline = Math.max(...f.windows.map((w) => w.maxOffline ?? 0));
    // Protocol 2's windows; the old agents' window is reported apart (their full lists are refused when busy).
    const ownWindows = f.windows.filter((w) => w.label.startsWith("protocol 2"));
    const failures = ownWindows.reduce((s, w) => s + (w.heartbeats?.failures ?? 0), 0);
    const old = f.windows.find((w) => w.label.startsWith("full lists"));
    const lat = f.changeLatenciesMs;
    const seen = lat.filter((v): v is number => v !== null);
    const where = `${n(f.nodes)} nodes × ${n(f.models)} models every 5 s`;
    rows.push(
      {
        figure: `${where}, no changes: server + PostgreSQL CPU`,
        value: pctOfCore(cpu),
        floor: floor ? `bare node:http parsing the same heartbeats: ${pctOfCore(floor.cpu)}` : "–",
        ratio: floor && floor.cpu > 0 ? `${fmt.num(cpu / floor.cpu, 1)}×` : "–",
        target: "< 50% of one core",
        met: cpu < 0.5,
      },
      {
        figure: `${where}, no changes: heartbeat p99`,
        value: `${fmt.ms(hbP99)} ms`,
        floor: floor ? `same floor: ${fmt.ms(p99(floor.heartbeats.latenciesMs))} ms` : "–",
        ratio: "–",
        target: "< 500 ms",
        met: hbP99 < 500 && failures === 0,
      },
      {
        figure: `${where}: most nodes offline at once (sampled every second, all windows)`,
        value: String(offline),
        floor: "–",
        ratio: "–",
        target: "0",
        met: offline === 0,
      },
      {
        figure: `${where}, ${(f.churnPerMinute * 100).toFixed(0)}% of states changing a minute: change → shown in /v1/models`,
        value: seen.length
          ? `p50 ${fmt.num(summarize(seen).p50)} ms, max ${fmt.num(summarize(seen).max)} ms (${lat.length} probes${seen.length < lat.length ? `, ${lat.length - seen.length} never shown` : ""})`
          : "never shown",
        floor: "one heartbeat interval: 5,000 ms",
        ratio: "–",
        target: "≤ 5 s",
        met: seen.length === lat.length && summarize(seen).max <= 5_000,
      },
    );
    const churn = ownWindows.find((w) => w.label.includes("changing"));
    if (churn) {
      rows.push({
        figure: `${where}, ${(f.churnPerMinute * 100).toFixed(0)}% of states changing a minute, /v1/models read every 100 ms: server + PostgreSQL CPU`,
        value: pctOfCore((churn.cpu?.server ?? 0) + (churn.cpu?.postgres ?? 0)),
        floor: "–",
        ratio: "–",
        target: "–",
        met: null,
      });
    }
    if (old?.heartbeats) {
      const h = old.heartbeats;
      const oldCpu = (old.cpu?.server ?? 0) + (old.cpu?.postgres ?? 0);
      rows.push({
        figure: `${where}, no changes, agents before protocol 2 (full lists): server + PostgreSQL CPU; heartbeats refused as server_busy`,
        value: `${pctOfCore(oldCpu)}; ${n(h.failures)} of ${n(h.heartbeats)} refused`,
        floor: "–",
        ratio: "–",
        target: "keep working (liveness counts when refused)",
        met: old.maxOffline === 0,
      });
    }
  }
  if (r.pglite) {
    const w = r.pglite.window;
    const hb = p99(w.heartbeats?.latenciesMs ?? []);
    rows.push(
      {
        figure: `PGlite, ${n(r.pglite.nodes)} nodes + /v1/models at ${w.load ? "10" : "?"} connections: heartbeat p99`,
        value: `${fmt.ms(hb)} ms`,
        floor: "–",
        ratio: "–",
        target: "< 1 s",
        met: hb < 1_000 && (w.heartbeats?.failures ?? 1) === 0,
      },
      {
        figure: "PGlite, same run: most nodes offline at once",
        value: String(w.maxOffline),
        floor: "–",
        ratio: "–",
        target: "0",
        met: w.maxOffline === 0,
      },
    );
  }
  if (r.big) {
    const b = r.big;
    const page = summarize(b.page.samplesMs);
    rows.push(
      {
        figure: `${n(b.models)} models: GET /v1/models p99 (${fmt.num(b.listingBytes / 1e6, 1)} MB)`,
        value: `${fmt.ms(p99(b.load.latenciesMs))} ms at ${rps(b.load)}`,
        floor: `${bareFloor}: ${fmt.ms(p99(b.floor.latenciesMs))} ms at ${rps(b.floor)}`,
        ratio: fmt.pct(b.load.requestsPerSec / b.floor.requestsPerSec),
        target: "p99 < 200 ms",
        met: p99(b.load.latenciesMs) < 200 && b.load.failures === 0,
      },
      {
        figure: `${n(b.models)} models: the models page's whole HTML, signed in (server)`,
        value: `max ${fmt.num(page.max)} ms of ${page.n} (p50 ${fmt.num(page.p50)} ms; first after start ${fmt.num(b.page.firstMs)} ms)`,
        floor: "–",
        ratio: "–",
        target: "< 1 s",
        met: page.max < 1_000,
      },
    );
  }
  return rows;
}

export function headlineTable(rows: Headline[]): Table {
  return {
    title: "Issue 12 targets",
    headers: ["Figure", "Value", "Floor", "Ratio", "Target", "Met"],
    rows: rows.map((h) => [h.figure, h.value, h.floor, h.ratio, h.target, h.met === null ? "–" : h.met ? "yes" : "no"]),
  };
}

const cores = (v: number | undefined) => (v === undefined ? "–" : fmt.num(v, 2));

function heartbeatRow(label: string, h: Window["heartbeats"], offline: number | null): string[] {
  if (!h) return [label, "–", "–", "–", "–", "–", "–", "–", "–", "–"];
  const s = summarize(h.latenciesMs);
  return [
    label,
    fmt.num(h.heartbeats / h.wallS, 1),
    fmt.num(h.bytesSent / h.wallS / 1e3),
    fmt.num(h.stateChanges / h.wallS, 1),
    String(h.fullSent),
    String(h.snapshotsAsked),
    fmt.ms(s.p50),
    fmt.ms(s.p99),
    String(h.failures),
    offline === null ? "–" : String(offline),
  ];
}
const heartbeatHeaders = [
  "Window",
  "Heartbeats/s",
  "KB/s sent",
  "State changes/s",
  "Full states sent",
  "Snapshots asked",
  "p50 ms",
  "p99 ms",
  "Failed",
  "Max offline",
];

function loadRow(label: string, l: LoadResult): string[] {
  const s = summarize(l.latenciesMs);
  return [label, fmt.num(l.requestsPerSec), fmt.ms(s.p50), fmt.ms(s.p99), String(l.failures)];
}
const loadHeaders = ["Scenario", "req/s", "p50 ms", "p99 ms", "Failed"];

export function detailTables(r: ScaleResults): Table[] {
  const tables: Table[] = [];
  if (r.listing) {
    const l = r.listing;
    tables.push(
      {
        title: `Listings on ${n(l.models)} models (/v1/models ${fmt.num(l.listingBytes / 1e3)} KB), PostgreSQL`,
        headers: loadHeaders,
        rows: [
          loadRow(`GET /v1/models, ${l.nodes} nodes heartbeating (protocol 2)`, l.withFleet.load as LoadResult),
          loadRow("floor: bare node:http, own process, same bytes", l.floor),
          loadRow("GET /v1/models, fleet stopped, its nodes offline", l.fleetStopped),
          loadRow("GET manifest.json", l.manifest.load),
          loadRow("floor: bare node:http, own process, same bytes", l.manifest.floor),
        ],
      },
      {
        title: "Heartbeats during the /v1/models load",
        headers: heartbeatHeaders,
        rows: [heartbeatRow(`${l.nodes} nodes, protocol 2`, l.withFleet.heartbeats, null)],
      },
    );
  }
  if (r.fleet) {
    const f = r.fleet;
    tables.push(
      {
        title: `${n(f.nodes)} nodes × ${n(f.models)} models, heartbeats every 5 s (every node announced, its full state stored and on deltas after ${fmt.num(f.startS)} s)`,
        headers: heartbeatHeaders,
        rows: [
          ...f.windows.map((w) => heartbeatRow(w.label, w.heartbeats, w.maxOffline)),
          ...f.floorWindows.map((w) =>
            heartbeatRow(`floor (bare node:http parsing them): ${w.label}`, w.heartbeats, null),
          ),
        ],
      },
      {
        title: "Where the cores went (CPU seconds per second; 1.00 = one core busy)",
        headers: ["Window", "Server", "PostgreSQL", "Simulated nodes", "Machine busy"],
        rows: [
          ...f.windows.map((w) => [
            w.label,
            cores(w.cpu?.server),
            cores(w.cpu?.postgres),
            cores(w.cpu?.helpers),
            cores(w.cpu?.machine),
          ]),
          ...f.floorWindows.map((w) => [`floor: ${w.label}`, cores(w.cpu), "–", "–", "–"]),
        ],
      },
    );
  }
  if (r.pglite) {
    const p = r.pglite;
    tables.push({
      title: `PGlite: ${n(p.nodes)} nodes × ${n(p.models)} models (protocol 2) while GET /v1/models is under load`,
      headers: [...heartbeatHeaders, "/v1/models req/s", "/v1/models p99 ms", "Server CPU"],
      rows: [
        [
          ...heartbeatRow("PGlite", p.window.heartbeats, p.window.maxOffline),
          p.window.load ? fmt.num(p.window.load.requestsPerSec) : "–",
          p.window.load ? fmt.ms(summarize(p.window.load.latenciesMs).p99) : "–",
          cores(p.window.cpu?.server),
        ],
      ],
    });
  }
  if (r.big) {
    const b = r.big;
    const page = summarize(b.page.samplesMs);
    tables.push(
      {
        title: `${n(b.models)} models, ${b.nodes} nodes (PostgreSQL)`,
        headers: loadHeaders,
        rows: [loadRow("GET /v1/models", b.load), loadRow("floor: bare node:http, own process, same bytes", b.floor)],
      },
      {
        title: `The models page (GET /models, signed in, ${fmt.num(b.page.bytes / 1e3)} KB of HTML), time to its last byte`,
        headers: ["First after start ms", "Samples", "p50 ms", "max ms"],
        rows: [[fmt.num(b.page.firstMs), String(page.n), fmt.num(page.p50), fmt.num(page.max)]],
      },
    );
  }
  return tables;
}

/** What a reader must know besides the tables: errors the server logged, requests it refused. */
export function scaleNotes(r: ScaleResults): string[] {
  const notes: string[] = [];
  const parts = [
    ["listing", r.listing],
    ["fleet", r.fleet],
    ["PGlite", r.pglite],
    ["10,000 models", r.big],
  ] as const;
  for (const [name, part] of parts) {
    if (part?.serverErrors.count) {
      notes.push(
        `The server logged ${part.serverErrors.count} errors in the ${name} part; the first: \`${part.serverErrors.first}\``,
      );
    }
  }
  const failed = [
    ...(r.listing ? [r.listing.withFleet.load, r.listing.floor, r.listing.fleetStopped, r.listing.manifest.load] : []),
    ...(r.pglite?.window.load ? [r.pglite.window.load] : []),
    ...(r.big ? [r.big.load] : []),
  ].reduce((sum, l) => sum + (l?.failures ?? 0), 0);
  if (failed) notes.push(`${failed} requests under load failed (non-2xx, errors or timeouts); see the Failed columns.`);
  if (r.fleet?.refusedPolls) {
    notes.push(`While waiting for changes to show, the server refused ${r.fleet.refusedPolls} polls of /v1/models.`);
  }
  return notes;
}
