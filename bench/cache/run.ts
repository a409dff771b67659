// Cache bench: GET /v1/models, /api/models and a manifest on a built server (`next start`),
// without nodes and then with simulated nodes whose heartbeats change nothing (sync
// protocol 2, empty deltas), each beside a bare node:http floor in its own process that
// returns the same bytes. Prints req/s, p99, CPU shares and the database transactions per
// listing request, and the server's listing rebuilds (with --log=debug). `npm run build && npx tsx bench/cache/run.ts [--db=pglite] [--dist=.next]`
// (docs/caching.md quotes its figures).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { startNextServer } from "../../tests/helpers/server";
import { createPostgresDatabase } from "../../tests/helpers/test-database";
import { type Cleanups, withCleanups } from "../nodes/cleanup";
import { startCpuMeter } from "../nodes/cpu-meter";
import { runLoad } from "../nodes/load";
import { findListeningPid } from "../nodes/proc";
import { seedModels } from "../nodes/seed";
import { fmt, sleep, summarize } from "../nodes/stats";
import type { NodesCommand, NodesConfig, NodesMessage } from "./nodes";

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const opts = {
  db: arg("db", "postgres") as "postgres" | "pglite",
  dist: arg("dist", ".next"),
  port: Number(arg("port", "4100")),
  models: Number(arg("models", "1000")),
  nodes: Number(arg("nodes", "100")),
  durationS: Number(arg("duration", "10")),
  only: arg("only", ""),
  connections: 10,
};
const root = path.resolve(__dirname, "../..");

async function main() {
  process.chdir(root);
  const loadBefore = os.loadavg();
  console.log(`load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")}; ${JSON.stringify(opts)}`);
  await withCleanups(async (cleanups) => {
    const env: Record<string, string | undefined> = {
      LLMLB_ADMIN_KEY: `cache-bench-${process.pid}`,
      LOG_LEVEL: arg("log", "warn"),
      NEXT_DIST_DIR: opts.dist,
      HF_ENDPOINT: "http://127.0.0.1:9",
    };
    let pgUrl: string | null = null;
    if (opts.db === "postgres") {
      const db = await createPostgresDatabase();
      cleanups.add("drop database", db.drop);
      pgUrl = db.url;
      Object.assign(env, { DATABASE_URL: db.url, PGLITE_DIR: undefined });
    } else {
      const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-cache-bench-"));
      cleanups.add("remove PGlite folder", () => rmSync(dir, { recursive: true, force: true }));
      Object.assign(env, { DATABASE_URL: undefined, PGLITE_DIR: dir });
      // PGlite is one process's: seeded before the server opens it.
      process.env.PGLITE_DIR = dir;
      delete process.env.DATABASE_URL;
    }
    const { openDatabase } = await import("../../lib/db/open");
    await (await openDatabase({ migrate: true, url: pgUrl ?? undefined })).close();
    const models = await seedModels(pgUrl ?? "", opts.models);
    const server = await startNextServer(env, { port: opts.port });
    cleanups.add("stop server", () => server.stop());
    const serverPid = findListeningPid(opts.port);
    const base = `http://127.0.0.1:${opts.port}`;
    const admin = { authorization: `Bearer ${env.LLMLB_ADMIN_KEY}`, "content-type": "application/json" };
    const key = async (scope: string) => {
      const res = await fetch(`${base}/api/keys`, {
        method: "POST",
        headers: admin,
        body: JSON.stringify({ name: `cache-${scope}`, scope }),
      });
      return ((await res.json()) as { key: string }).key;
    };
    const readerKey = await key("reader");
    const nodeKey = await key("node");
    const pg = pgUrl ? postgres(pgUrl, { max: 1, onnotice: () => {} }) : null;
    cleanups.add("close pg", () => pg?.end({ timeout: 5 }));
    const commits = async () =>
      pg
        ? Number(
            (
              await pg<
                { n: string }[]
              >`select xact_commit::text as n from pg_stat_database where datname = current_database()`
            )[0].n,
          )
        : Number.NaN;

    const manifestPath = `/api/models/registry/${models[0].name}/manifest.json`;
    const allTargets = [
      { label: "/v1/models", path: "/v1/models" },
      { label: "/api/models", path: "/api/models" },
      { label: "manifest.json", path: manifestPath },
    ];
    const targets = allTargets.filter((t) => !opts.only || t.label === opts.only);
    const encodings = [{ label: "identity", headers: {} as Record<string, string> }];
    const floors = new Map<string, string>();
    for (const t of targets) {
      for (const e of encodings) {
        const res = await getRaw(`${base}${t.path}`, { authorization: `Bearer ${readerKey}`, ...e.headers });
        const body = res.body;
        const encoding = res.headers["content-encoding"] ?? "identity";
        console.log(`${t.label} ${e.label}: ${res.status}, ${body.length} bytes as ${encoding}`);
        floors.set(`${t.label} ${e.label}`, `${body.toString("base64")}|${encoding}`);
      }
    }

    const rows: string[][] = [];
    const measure = async (label: string, nodes: NodesProcess | null) => {
      for (const t of targets) {
        for (const e of encodings) {
          const url = `${base}${t.path}`;
          await runLoad({ url, apiKey: readerKey, connections: opts.connections, durationS: 2, headers: e.headers });
          nodes?.send({ type: "mark" });
          const before = await commits();
          const meter = await startCpuMeter({
            serverPid,
            helperPids: () => (nodes ? [nodes.pid] : []),
            postgresPids: pgPids,
          });
          const load = await runLoad({
            url,
            apiKey: readerKey,
            connections: opts.connections,
            durationS: opts.durationS,
            headers: e.headers,
          });
          const cpu = await meter.stop();
          const tx = (await commits()) - before;
          const beats = nodes ? await nodes.report() : null;
          const s = summarize(load.latenciesMs);
          rows.push([
            label,
            `${t.label} (${e.label})`,
            fmt.num(load.requestsPerSec),
            fmt.ms(s.p99),
            String(load.failures),
            fmt.num(cpu.server, 2),
            fmt.num(cpu.postgres, 2),
            fmt.num(tx / load.requests, 3),
            beats
              ? `${beats.heartbeats} / p99 ${fmt.ms(summarize(beats.latenciesMs).p99)} / ${beats.failures} failed`
              : "–",
          ]);
          console.log(rows[rows.length - 1].join(" | "));
        }
      }
    };
    const pgPids = async () => {
      if (!pg) return [];
      const r = await pg<
        { pid: number }[]
      >`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
      return r.map((x) => x.pid);
    };

    await measure("no nodes", null);
    const nodes = await startNodes(cleanups, {
      serverUrl: base,
      nodeKey,
      models,
      nodes: opts.nodes,
      intervalMs: 5_000,
    });
    // One more interval: every node past its full state, ticking with empty deltas.
    await sleep(6_000);
    await measure(`${opts.nodes} nodes ticking`, nodes);

    console.log("\nfloors (bare node:http in its own process, same bytes and headers):");
    for (const t of targets) {
      for (const e of encodings) {
        const floor = await startFloor(cleanups, opts.port + 50, floors.get(`${t.label} ${e.label}`) ?? "");
        const url = `http://127.0.0.1:${opts.port + 50}/`;
        await runLoad({ url, apiKey: readerKey, connections: opts.connections, durationS: 2, headers: e.headers });
        const load = await runLoad({
          url,
          apiKey: readerKey,
          connections: opts.connections,
          durationS: opts.durationS,
          headers: e.headers,
        });
        rows.push([
          "floor",
          `${t.label} (${e.label})`,
          fmt.num(load.requestsPerSec),
          fmt.ms(summarize(load.latenciesMs).p99),
          String(load.failures),
          "",
          "",
          "",
          "",
        ]);
        console.log(rows[rows.length - 1].join(" | "));
        floor.kill();
      }
    }
    const events = new Map<string, number>();
    for (const line of server.logs) {
      const m = /"event":"([^"]+)"/.exec(line);
      if (m) events.set(m[1], (events.get(m[1]) ?? 0) + 1);
    }
    console.log(`server log events: ${JSON.stringify(Object.fromEntries(events))}`);
    console.log(
      "\n| window | GET | req/s | p99 ms | failures | server cores | postgres cores | db transactions / request | heartbeats |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|");
    for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  });
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} at the end (was ${loadBefore.map((l) => l.toFixed(2)).join(" ")})`,
  );
}

interface NodesProcess {
  pid: number;
  send(c: NodesCommand): void;
  report(): Promise<Extract<NodesMessage, { type: "report" }>>;
}

async function startNodes(cleanups: Cleanups, config: NodesConfig): Promise<NodesProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "nodes.ts")], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  cleanups.add("stop nodes", () => child.kill());
  const next = <T extends NodesMessage["type"]>(type: T) =>
    new Promise<Extract<NodesMessage, { type: T }>>((resolve, reject) => {
      const on = (m: NodesMessage) => {
        if (m.type === "error") reject(new Error(m.message));
        if (m.type === type) {
          child.off("message", on);
          resolve(m as Extract<NodesMessage, { type: T }>);
        }
      };
      child.on("message", on);
    });
  const ready = next("ready");
  child.send({ type: "start", config } satisfies NodesCommand);
  await ready;
  return {
    pid: child.pid as number,
    send: (c) => child.send(c),
    async report() {
      const reply = next("report");
      child.send({ type: "report" } satisfies NodesCommand);
      return reply;
    },
  };
}

/** One GET with node:http, which leaves the body as sent (fetch would decompress it). */
function getRaw(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on("error", reject);
  });
}

/** A bare node:http server in its own process answering every request with the same bytes. */
async function startFloor(cleanups: Cleanups, port: number, spec: string): Promise<ChildProcess> {
  const [b64, encoding] = spec.split("|");
  const script = `
    const body = require("node:fs").readFileSync(process.env.BODY_FILE);
    const headers = { "content-type": "application/json; charset=utf-8", "content-length": body.length, vary: "Accept-Encoding" };
    if (process.env.ENCODING !== "identity") headers["content-encoding"] = process.env.ENCODING;
    require("node:http").createServer((req, res) => { res.writeHead(200, headers); res.end(body); })
      .listen(${port}, "127.0.0.1", () => process.send("up"));`;
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "llmlb-floor-")), "body");
  writeFileSync(file, Buffer.from(b64, "base64"));
  cleanups.add("remove floor body", () => rmSync(path.dirname(file), { recursive: true, force: true }));
  const child = spawn(process.execPath, ["-e", script], {
    env: { ...process.env, BODY_FILE: file, ENCODING: encoding },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  cleanups.add("stop floor", () => child.kill());
  await new Promise((r) => child.once("message", r));
  return child;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
