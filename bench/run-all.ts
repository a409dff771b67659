// Every benchmark in one run: `npm run build && npm run bench`. It builds nothing itself
// (it runs `next start` on the last build). The scale scenarios of issue 12 run here; the
// registry and nodes benches run after them, each in a child process writing its own
// section. Then docs/benchmarks.md gets the headline table at its top: each figure with
// its floor (a bare node:http server in its own process, same machine, same run), the
// ratio, the target and whether it is met. The machine's load is printed before and
// after each part, and kept in the report.
//
// BENCH_QUICK=1: a smaller run (5–6 minutes on a busy 2-core machine) of the scale scenarios only, for working
// on the harness; it writes its report to a temporary file, never to docs/.
// `npm run bench -- listing fleet`: only those scale parts (listing, fleet, pglite, big),
// printed, nothing written.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { postgresAdminUrl } from "../tests/helpers/test-database";
import { loadTable, type PartLoad, watchLoad } from "./machine-load";
import { runBenchMain } from "./nodes/cleanup";
import { formatPlainTable, markdownTable, type Table, writeSection, writeSectionFirst } from "./report-tables";
import { detailTables, headlineRows, headlineTable, type ScaleResults, scaleNotes } from "./scale/report";
import { measureBigRegistry, measureFleetScale, measureListing, measurePglite } from "./scale/scenarios";

const root = path.resolve(__dirname, "..");
const quick = process.env.BENCH_QUICK === "1";
const load = quick ? { connections: 10, durationS: 5, warmupS: 2 } : { connections: 10, durationS: 15, warmupS: 3 };
const plan = {
  listing: { models: 1_000, nodes: 100, load },
  fleet: quick
    ? { models: 1_000, nodes: 200, windowS: 10, churnPerMinute: 0.01, probes: 5 }
    : { models: 1_000, nodes: 1_000, windowS: 30, churnPerMinute: 0.01, probes: 20 },
  pglite: { models: 1_000, nodes: 100, load },
  big: { models: 10_000, nodes: quick ? 5 : 10, load, pageSamples: quick ? 2 : 10 },
};
const scaleParts = ["listing", "fleet", "pglite", "big"] as const;
type ScalePart = (typeof scaleParts)[number];
const watchdogMs = (quick ? 20 : 120) * 60_000;

export const headlineHeading = "## Headline (npm run bench)";
export const scaleHeading = "## Fleet scale (bench/scale)";

async function main(): Promise<number> {
  process.chdir(root);
  const asked = process.argv.slice(2).filter((a): a is ScalePart => (scaleParts as readonly string[]).includes(a));
  const selected = asked.length ? asked : [...scaleParts];
  const everything = !quick && asked.length === 0;
  const startedAt = Date.now();
  const loads: PartLoad[] = [];
  const results: ScaleResults = {};
  const part = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    console.log(`\n== ${name}`);
    const done = watchLoad(name);
    try {
      return await run();
    } finally {
      loads.push(done());
    }
  };
  const p = plan;
  if (selected.includes("listing")) {
    results.listing = await part(
      `/v1/models and manifest.json, ${p.listing.models} models, ${p.listing.nodes} nodes`,
      () => measureListing(p.listing),
    );
  }
  if (selected.includes("fleet")) {
    results.fleet = await part(`${p.fleet.nodes} nodes × ${p.fleet.models} models`, () => measureFleetScale(p.fleet));
  }
  if (selected.includes("pglite")) {
    results.pglite = await part(`PGlite, ${p.pglite.nodes} nodes + /v1/models`, () => measurePglite(p.pglite));
  }
  if (selected.includes("big")) {
    results.big = await part(`${p.big.models} models`, () => measureBigRegistry(p.big));
  }
  const subBenches: { name: string; code: number | null }[] = [];
  if (everything) {
    for (const [name, file] of [
      ["registry bench", "bench/registry/run.ts"],
      ["nodes bench (download, propagation, 100-node fleet)", "bench/nodes/run.ts"],
      ["upstream bench (1,000 followed models)", "bench/upstream/run.ts"],
      ["rollout bench (re-pin bytes, webhook → staging)", "bench/rollout/run.ts"],
      ["fit bench (header reads at registration)", "bench/fit/run.ts"],
    ]) {
      const code = await part(name, () => runChild(file));
      subBenches.push({ name, code });
    }
  }

  const headline = headlineTable(headlineRows(results));
  const details = detailTables(results);
  const machine = await describeMachine();
  const elapsedS = (Date.now() - startedAt) / 1000;
  console.log("");
  for (const table of [loadTable(loads), ...details, headline]) console.log(`${formatPlainTable(table)}\n`);
  const headlineSection = renderHeadline(headline, loads, machine, elapsedS, subBenches);
  const notes = scaleNotes(results);
  for (const note of notes) console.log(`Note: ${note}`);
  const scaleSection = renderScale(details, notes);
  if (everything) {
    const file = path.join(root, "docs/benchmarks.md");
    writeSection(file, scaleHeading, scaleSection);
    writeSectionFirst(file, headlineHeading, headlineSection);
    console.log(`Wrote ${path.relative(root, file)}.`);
  } else if (quick) {
    const file = path.join(os.tmpdir(), "llmlb-bench-quick.md");
    writeFileSync(file, `${headlineSection}\n\n${scaleSection}\n`);
    console.log(`Quick run: report in ${file} (docs/benchmarks.md untouched).`);
  }
  console.log(`Done in ${elapsedS.toFixed(0)} s.`);
  // Slow figures are reported, not failed: a bench is not a timed test. A sub-bench that
  // failed (a wrong answer, a crash) fails the run.
  return subBenches.every((s) => s.code === 0) ? 0 : 1;
}

function runChild(file: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, file)], { stdio: "inherit", cwd: root });
    child.once("exit", (code) => resolve(code));
  });
}

async function describeMachine(): Promise<string[]> {
  const admin = postgres(postgresAdminUrl, { max: 1, onnotice: () => {} });
  let version = "unknown";
  try {
    version = (await admin<{ version: string }[]>`select version()`)[0]?.version ?? version;
  } finally {
    await admin.end({ timeout: 5 });
  }
  const cpus = os.cpus();
  return [
    `Date: ${new Date().toISOString()}`,
    `Machine: ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB memory; ${os.type()} ${os.release()}`,
    `Node ${process.version}; ${version}`,
  ];
}

function renderHeadline(
  headline: Table,
  loads: PartLoad[],
  machine: string[],
  elapsedS: number,
  subBenches: { name: string; code: number | null }[],
): string {
  return [
    headlineHeading,
    "",
    "_Generated by `bench/run-all.ts`; rerunning `npm run build && npm run bench` replaces this section, the sections below it and the registry and nodes sections._",
    "",
    ...machine.map((l) => `- ${l}`),
    `- Duration: ${elapsedS.toFixed(0)} s${quick ? " (BENCH_QUICK=1: smaller fleet, shorter windows)" : ""}. Everything runs on this one machine over loopback: PostgreSQL, the server (\`next start\`), the load generator (autocannon, in the bench process), the simulated nodes (one child process) and every floor (a bare \`node:http\` server in its own process, started for its scenario, in the same run).`,
    ...subBenches.map((s) => `- ${s.name}: ${s.code === 0 ? "ran" : `FAILED (exit ${s.code})`}`),
    "",
    markdownTable(headline),
    "",
    markdownTable(loadTable(loads)),
    "",
    "Other work on the machine competes with every figure: compare a figure with the machine's load around its part, and ratios (measured minutes apart on the same machine) over absolute figures.",
  ].join("\n");
}

function renderScale(details: Table[], notes: string[]): string {
  return [
    scaleHeading,
    "",
    "_Generated by `bench/run-all.ts` (`bench/scale/`): the scenarios behind the headline table._",
    "",
    "- Simulated nodes (`bench/scale/sim-fleet.ts`, one child process) announce themselves over HTTP and heartbeat every 5 s on keep-alive connections, in the delta protocol through the agent's own `SyncDeltas` (docs/sync-protocol.md), or in the full-list form of agents before it. Each holds every model: 90% ready, the rest pending, failed or unsupported; nothing downloads unless states are changing.",
    "- State changes flip a random (node, model) between ready and downloading. The change latency is measured on probe models no other change touches: from the moment the node's state changes (it is sent with the node's next heartbeat, 0–5 s later) until `GET /v1/models` (polled every 100 ms) shows the new `ready_nodes`.",
    "- Nodes offline: every second, the database's own count of nodes whose `last_seen_at` is 15 s old (on PGlite: `GET /api/nodes?summary=true` every 2 s).",
    "- The heartbeat floor is a bare `node:http` server in its own process that reads and parses the same heartbeats from the same simulated fleet and answers each with a small JSON object.",
    "- The models page: signed in through the credentials form as a user, `GET /models` timed to the last byte of its HTML.",
    "",
    ...details.flatMap((t) => [markdownTable(t), ""]),
    ...notes.flatMap((n) => [n, ""]),
  ].join("\n");
}

runBenchMain(main, watchdogMs);
