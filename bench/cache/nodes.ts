// Child process of the cache bench: simulated nodes speaking sync protocol 2, as the
// agent of today does. Each announces itself, sends its whole state once, then every
// interval a heartbeat with no changes (an empty delta with the digest): liveness ticks
// and nothing else, the case whose cost the listing cache must not pay. Controlled over IPC.
import { combineHashes, formatDigest, hashEntry } from "../../lib/api/sync-digest";
import { SimulatedNodeStates } from "../nodes/fleet-states";
import type { SeededModel } from "../nodes/seed";

export interface NodesConfig {
  serverUrl: string;
  nodeKey: string;
  models: SeededModel[];
  nodes: number;
  intervalMs: number;
}

export type NodesCommand = { type: "start"; config: NodesConfig } | { type: "mark" } | { type: "report" };
export type NodesMessage =
  | { type: "ready" }
  | { type: "report"; heartbeats: number; failures: number; snapshots: number; latenciesMs: number[] }
  | { type: "error"; message: string };

const send = (m: NodesMessage) => process.send?.(m);
let tally = { heartbeats: 0, failures: 0, snapshots: 0, latencies: [] as number[] };

async function call(cfg: NodesConfig, method: string, path: string, body: unknown) {
  const res = await fetch(`${cfg.serverUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${cfg.nodeKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function runNode(cfg: NodesConfig, i: number, onFirst: () => void): Promise<void> {
  const { id } = (await call(cfg, "POST", "/api/nodes", {
    name: `cache-bench-${String(i).padStart(4, "0")}`,
    runtimes: ["llama.cpp"],
    formats: ["gguf", "safetensors"],
    memory_bytes: 256 * 2 ** 30,
    free_disk_bytes: 2e12,
    agent_version: "bench",
  })) as { id: string };
  // No churn: the one download each node has stays where it is, so nothing changes.
  const models = new SimulatedNodeStates(i, cfg.models, () => Number.POSITIVE_INFINITY).snapshot();
  const digest = formatDigest(combineHashes(models.map(hashEntry)));
  const session = `bench-${process.pid}-${i}`;
  const path = `/api/nodes/${id}/sync`;
  let registryEtag = "";
  let full = true;
  const beat = async () => {
    const etag = registryEtag ? { registry_etag: registryEtag } : {};
    const body = full
      ? { protocol: 2, session, seq: 1, full: true, models, digest, ...etag, free_disk_bytes: 2e12 }
      : { protocol: 2, session, seq: 1, models: [], digest, ...etag, free_disk_bytes: 2e12 };
    const started = performance.now();
    try {
      const answer = await call(cfg, "PUT", path, body);
      tally.latencies.push(performance.now() - started);
      registryEtag = String(answer.registry_etag);
      if (answer.snapshot) tally.snapshots++;
      full = Boolean(answer.snapshot);
    } catch (error) {
      if (tally.failures++ === 0) console.error(`heartbeat failed: ${String(error).slice(0, 300)}`);
    }
    tally.heartbeats++;
  };
  await beat();
  onFirst();
  let next = performance.now() + cfg.intervalMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    await beat();
    while (next <= performance.now()) next += cfg.intervalMs;
  }
}

process.on("message", (command: NodesCommand) => {
  if (command.type === "start") {
    const cfg = command.config;
    let pending = cfg.nodes;
    const onFirst = () => {
      if (--pending === 0) send({ type: "ready" });
    };
    for (let i = 0; i < cfg.nodes; i++) {
      // Spread over one interval, as independent agents are.
      setTimeout(
        () => runNode(cfg, i, onFirst).catch((e: unknown) => send({ type: "error", message: String(e) })),
        (i * cfg.intervalMs) / cfg.nodes,
      );
    }
  } else if (command.type === "mark") {
    tally = { heartbeats: 0, failures: 0, snapshots: 0, latencies: [] };
  } else if (command.type === "report") {
    const { heartbeats, failures, snapshots, latencies } = tally;
    send({ type: "report", heartbeats, failures, snapshots, latenciesMs: latencies });
  }
});
process.on("disconnect", () => process.exit(0));
