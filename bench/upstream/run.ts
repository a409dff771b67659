// Following upstream at fleet size (docs/upstream.md): 1,000 followed models on the fake
// hub, checked by the periodic pass. How many Hub calls one interval costs, and how much
// CPU the server and PostgreSQL spend on them, when nothing moved and when every
// repository moved (each check then builds the new manifest and its diff).
// `npm run bench:upstream` after `next build`; also part of `npm run bench`.
import os from "node:os";
import path from "node:path";
import { type FixtureRepo, fixtureRepos } from "../../tests/fake-hub";
import { markLoad } from "../machine-load";
import { type Cleanups, runBenchMain, withCleanups } from "../nodes/cleanup";
import { startCpuMeter } from "../nodes/cpu-meter";
import { startStack } from "../nodes/stack";
import { formatPlainTable, markdownTable, type Table, writeSection } from "../report-tables";

const root = path.resolve(__dirname, "../..");
const plan = { models: 1_000, intervalS: 20 };
export const sectionHeading = "## Upstream checks (bench/upstream)";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const repoId = (i: number) => `upstream/model-${i}`;

function repos(): FixtureRepo[] {
  const made = Array.from(
    { length: plan.models },
    (_, i): FixtureRepo => ({
      id: repoId(i),
      tags: ["gguf"],
      createdAt: "2026-01-01T00:00:00.000Z",
      lastModified: "2026-01-01T00:00:00.000Z",
      files: [
        { path: `model-${i}.Q4_K_M.gguf`, kind: "binary", size: 4096, lfs: true },
        { path: `model-${i}.Q8_0.gguf`, kind: "binary", size: 8192, lfs: true },
        { path: "config.json", kind: "text", content: `{"n":${i}}` },
      ],
    }),
  );
  return [...fixtureRepos, ...made];
}

interface WindowResult {
  label: string;
  wallS: number;
  hubCalls: number;
  server: number;
  postgres: number;
  states: Record<string, number>;
}

async function measure(cleanups: Cleanups): Promise<{ windows: WindowResult[]; registerS: number }> {
  const stack = await startStack(cleanups, {
    database: "postgres",
    repos: repos(),
    env: { LLMLB_UPSTREAM_CHECK_INTERVAL: `${plan.intervalS}s` },
  });
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < plan.models) {
        const i = next++;
        await stack.api("/api/models/register", { method: "POST", body: JSON.stringify({ repo: repoId(i) }) });
      }
    }),
  );
  const registerS = (performance.now() - started) / 1000;
  console.log(`  registered ${plan.models} models in ${registerS.toFixed(1)} s; waiting one interval to settle…`);
  // Placed half to one interval ahead by the first pass: after one interval every model is on its own cadence.
  await sleep(plan.intervalS * 1000 + 2_000);

  const states = async () => {
    const counts: Record<string, number> = {};
    // A sample of 20 models.
    for (let i = 0; i < plan.models; i += 50) {
      const { body } = await stack.api<{ upstream: { state: string } }>(`/api/models/hf/${repoId(i)}`);
      counts[body.upstream.state] = (counts[body.upstream.state] ?? 0) + 1;
    }
    return counts;
  };
  const window = async (label: string, intervals: number): Promise<WindowResult> => {
    stack.hub.clearRequests();
    const meter = await startCpuMeter({ serverPid: stack.serverPid, postgresPids: () => stack.postgresPids() });
    await sleep(intervals * plan.intervalS * 1000);
    const cpu = await meter.stop();
    const hubCalls = stack.hub.requests.filter((r) => r.path.startsWith("/api/models/upstream/")).length;
    const result = {
      label,
      wallS: cpu.wallS,
      hubCalls,
      server: cpu.server,
      postgres: cpu.postgres,
      states: await states(),
    };
    console.log(
      `  ${label}: ${hubCalls} Hub calls in ${cpu.wallS.toFixed(0)} s; server ${cpu.server.toFixed(2)}, PostgreSQL ${cpu.postgres.toFixed(2)} cores`,
    );
    return result;
  };
  const windows = [await window("nothing moved", 2)];
  for (let i = 0; i < plan.models; i++) {
    stack.hub.push(repoId(i), {
      write: [{ path: `model-${i}.Q4_K_M.gguf`, kind: "binary", size: 4096, lfs: true, seed: "moved" }],
    });
  }
  windows.push(await window("every repository moved (diff built)", 1));
  return { windows, registerS };
}

/** Server CPU milliseconds per check, over every window. */
function perCheckMs(windows: WindowResult[]): number {
  const cpuMs = windows.reduce((sum, w) => sum + w.server * w.wallS * 1000, 0);
  return (
    cpuMs /
    Math.max(
      1,
      windows.reduce((sum, w) => sum + w.hubCalls, 0),
    )
  );
}

function table(windows: WindowResult[]): Table {
  return {
    title: `${plan.models.toLocaleString("en-US")} followed models, LLMLB_UPSTREAM_CHECK_INTERVAL=${plan.intervalS}s, one server, PostgreSQL`,
    headers: [
      "Window",
      "s",
      "Hub calls",
      "Calls per model per interval",
      "Server (cores)",
      "PostgreSQL (cores)",
      "Sampled states (20 models)",
    ],
    rows: windows.map((w) => [
      w.label,
      w.wallS.toFixed(0),
      String(w.hubCalls),
      (w.hubCalls / plan.models / (w.wallS / plan.intervalS)).toFixed(2),
      w.server.toFixed(3),
      w.postgres.toFixed(3),
      Object.entries(w.states)
        .map(([s, n]) => `${s} ${n}`)
        .join(", "),
    ]),
  };
}

async function main(): Promise<number> {
  process.chdir(root);
  const load = markLoad();
  const startedAt = Date.now();
  const { windows, registerS } = await withCleanups(measure);
  const t = table(windows);
  console.log(`\n${formatPlainTable(t)}\n`);
  const after = markLoad();
  const cpus = os.cpus();
  const section = [
    sectionHeading,
    "",
    "_Generated by `bench/upstream/run.ts` (`npm run bench:upstream`); rerunning it replaces this section._",
    "",
    `- Date: ${new Date().toISOString()}; ${Math.round((Date.now() - startedAt) / 1000)} s`,
    `- Machine: ${cpus[0]?.model.trim() ?? "unknown"}, ${cpus.length} cores; load average ${load.loadavg.map((v) => v.toFixed(2)).join(" / ")} before, ${after.loadavg.map((v) => v.toFixed(2)).join(" / ")} after`,
    `- ${plan.models} registrations through the API took ${registerS.toFixed(1)} s (8 at a time). The fake hub runs in the bench process over loopback, so a Hub call here costs far less time than one to huggingface.co; the server's CPU per call is what carries over.`,
    "",
    markdownTable(t),
    "",
    `One Hub call per model per interval is the design: the periodic pass claims each model for a whole interval, whichever instance claims it. Server CPU per check: ${perCheckMs(windows).toFixed(1)} ms here, so at the default interval of 1 h, 1,000 followed models cost about ${(((perCheckMs(windows) * plan.models) / 3_600_000) * 100).toFixed(2)}% of a core. TLS to the real Hub adds to it; this bench does not measure that.`,
  ].join("\n");
  if (process.argv.includes("--no-write")) return 0;
  writeSection(path.join(root, "docs/benchmarks.md"), sectionHeading, section);
  console.log("Wrote docs/benchmarks.md.");
  return 0;
}

runBenchMain(main, 10 * 60_000);
