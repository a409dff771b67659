// Registry benchmark: listings under load on a 1,000-model / 100-node registry, and
// the time registration adds to the Hub call. `npm run bench:registry` after `next build`.
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { type Db, openDatabase } from "../../lib/db/open";
import { startFakeHub } from "../../tests/fake-hub";
import { startNextServer } from "../../tests/helpers/server";
import { createPostgresDatabase } from "../../tests/helpers/test-database";
import { writeSection } from "../report-tables";
import { serverPort } from "../scale/ports";
import { type ListingKeys, measureListings } from "./listings";
import { measureRegistration } from "./registration";
import { checksTable, formatPlainTable, type Machine, renderSection, sectionHeading } from "./report";
import { buildReport } from "./results";
import { seedRegistry, startHeartbeat } from "./seed";

const root = path.resolve(__dirname, "../..");
const scale = { models: 1_000, nodes: 100 };
const load = { connections: 10, durationS: 10, warmupS: 2, rebuildSamples: 10 };
const adminKey = `bench-admin-${process.pid}-${Date.now()}`;
// Every loop is bounded, but a wedged server must not leave the run (and its
// database and child process) hanging forever.
const watchdogMs = 5 * 60_000;

type Step = { label: string; run: () => Promise<void> };
const cleanups: Step[] = [];
let cleaning: Promise<void> | null = null;

/** Undo everything started so far, newest first; each step runs even if an earlier one fails. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const step of cleanups.reverse()) {
      await step.run().catch((error: unknown) => console.error(`cleanup: ${step.label} failed:`, error));
    }
  })();
  return cleaning;
}

async function main(): Promise<number> {
  // drizzle's migrator reads ./drizzle relative to the working directory.
  process.chdir(root);
  const startedAt = Date.now();
  const loadAverage = os.loadavg()[0];
  if (loadAverage > 0.5 * os.cpus().length) {
    console.warn(`Load average is ${loadAverage.toFixed(2)}: other work on this machine will skew the figures.`);
  }
  console.log(`Seeding ${scale.models} models and ${scale.nodes} nodes…`);
  const hub = await startFakeHub();
  cleanups.push({ label: "close fake hub", run: () => hub.close() });
  const database = await createPostgresDatabase();
  cleanups.push({ label: "drop database", run: database.drop });
  const pg = await openDatabase({ migrate: true, url: database.url });
  cleanups.push({ label: "close database", run: () => pg.close() });
  const seed = await seedRegistry(pg.db, scale);
  const heartbeat = startHeartbeat(pg.db, 2_000);
  cleanups.push({ label: "stop heartbeat", run: () => heartbeat.stop() });

  const server = await startNextServer(
    {
      DATABASE_URL: database.url,
      PGLITE_DIR: undefined,
      LLMLB_ADMIN_KEY: adminKey,
      LOG_LEVEL: "warn",
      HF_ENDPOINT: hub.url,
      HF_TOKEN: undefined,
    },
    { port: serverPort() },
  );
  cleanups.push({
    label: "stop server",
    run: async () => {
      await server.stop();
    },
  });
  const keys: ListingKeys = {
    reader: await createKey(server.url, "reader"),
    node: await createKey(server.url, "node"),
    bootstrap: adminKey,
  };

  console.log(`Load: ${load.connections} connections, ${load.warmupS} s warm-up + ${load.durationS} s per scenario`);
  const listings = await measureListings(server.url, keys, pg.db, load);
  console.log("Registration against the fake hub…");
  const registration = await measureRegistration({ serverUrl: server.url, adminKey, hub }, { cachedRuns: 30 });

  const machine = await describeMachine(pg.db, loadAverage);
  const report = buildReport({
    date: new Date().toISOString(),
    command: "npm run bench:registry",
    machine,
    seed,
    load,
    listings,
    registration,
  });
  const serverErrors = server.logs.filter((line) => /"level":(50|60)/.test(line));
  if (serverErrors.length > 0)
    report.notes.push(`Server logged ${serverErrors.length} errors; first: ${serverErrors[0]}`);

  console.log("");
  for (const table of report.tables) console.log(`${formatPlainTable(table)}\n`);
  console.log(formatPlainTable(checksTable(report.checks)));
  const file = path.join(root, "docs/benchmarks.md");
  writeSection(file, sectionHeading, renderSection(report));
  console.log(`\nWrote ${path.relative(root, file)} in ${((Date.now() - startedAt) / 1000).toFixed(0)} s total.`);
  // Wrong answers fail the run; slow ones are reported, since a bench is not a timed test.
  return report.correct ? 0 : 1;
}

async function createKey(serverUrl: string, scope: "reader" | "node"): Promise<string> {
  const res = await fetch(`${serverUrl}/api/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name: `bench-${scope}`, scope }),
  });
  const body = (await res.json()) as { key?: string };
  if (res.status !== 201 || !body.key?.startsWith("llmlb_")) throw new Error(`POST /api/keys: ${res.status}`);
  return body.key;
}

async function describeMachine(db: Db, loadAverage: number): Promise<Machine> {
  const rows = (await db.execute(sql`select version() as version`)) as unknown as { version: string }[];
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown CPU",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: rows[0]?.version ?? "unknown",
    loadAverage,
    loadAverageEnd: os.loadavg()[0],
  };
}

const watchdog = setTimeout(() => {
  console.error(`bench did not finish within ${watchdogMs / 60_000} min; cleaning up`);
  void cleanUp().finally(() => process.exit(1));
}, watchdogMs);
watchdog.unref();
process.once("SIGINT", () => {
  void cleanUp().finally(() => process.exit(130));
});

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanUp();
    clearTimeout(watchdog);
  });
