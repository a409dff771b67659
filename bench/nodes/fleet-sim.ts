// Child process of the fleet bench: 100 simulated nodes announcing themselves and
// sending full sync snapshots every heartbeat interval, as real agents would. It runs
// apart from the load generator so neither one's event loop delays the other, and so
// its CPU is accounted separately. Controlled over IPC (see FleetCommand).
import { SimulatedNodeStates } from "./fleet-states";
import type { SeededModel } from "./seed";

export interface FleetConfig {
  serverUrl: string;
  nodeKey: string;
  models: SeededModel[];
  nodes: number;
  intervalMs: number;
  /** Hard stop, in case the parent dies without telling us. */
  lifetimeMs: number;
}

export type FleetCommand =
  | { type: "start"; config: FleetConfig }
  | { type: "churn"; on: boolean }
  | { type: "mark" }
  | { type: "report" }
  | { type: "stop" };

export interface FleetReport {
  heartbeats: number;
  latenciesMs: number[];
  failures: number;
  stateChanges: number;
  wallS: number;
}

export type FleetMessage =
  | { type: "ready" }
  | { type: "report"; report: FleetReport }
  | { type: "error"; message: string };

const send = (m: FleetMessage) => process.send?.(m);

let churn = true;
let stopped = false;
let tally = { at: performance.now(), heartbeats: 0, latencies: [] as number[], failures: 0, changes: 0 };
const timers = new Set<NodeJS.Timeout>();
const inFlight = new Set<Promise<void>>();

async function announce(cfg: FleetConfig, i: number): Promise<string> {
  const res = await fetch(`${cfg.serverUrl}/api/nodes`, {
    method: "POST",
    headers: { authorization: `Bearer ${cfg.nodeKey}`, "content-type": "application/json" },
    body: JSON.stringify({
      name: `sim-node-${String(i).padStart(3, "0")}`,
      runtimes: ["llama.cpp"],
      formats: ["gguf", "safetensors"],
      gpus: [{ name: "NVIDIA L40S", memory_bytes: 48e9 }],
      memory_bytes: 256 * 2 ** 30,
      free_disk_bytes: 2e12,
      agent_version: "bench",
    }),
  });
  const body = (await res.json()) as { id?: string };
  if (!res.ok || !body.id) throw new Error(`POST /api/nodes → ${res.status}`);
  return body.id;
}

async function heartbeat(cfg: FleetConfig, id: string, states: SimulatedNodeStates): Promise<void> {
  const changed = states.tick(churn);
  const body = JSON.stringify({ free_disk_bytes: 2e12, models: states.snapshot() });
  const started = performance.now();
  try {
    const res = await fetch(`${cfg.serverUrl}/api/nodes/${id}/sync`, {
      method: "PUT",
      headers: { authorization: `Bearer ${cfg.nodeKey}`, "content-type": "application/json" },
      body,
    });
    await res.arrayBuffer();
    tally.latencies.push(performance.now() - started);
    if (!res.ok) tally.failures++;
  } catch {
    tally.failures++;
  }
  tally.heartbeats++;
  if (changed) tally.changes++;
}

/** One node: heartbeats on a fixed schedule, never two in flight, skipping beats it is late for. */
function runNode(cfg: FleetConfig, id: string, states: SimulatedNodeStates, offsetMs: number, onFirst: () => void) {
  let next = performance.now() + offsetMs;
  let first = true;
  const beat = () => {
    if (stopped) return;
    const job = heartbeat(cfg, id, states).finally(() => {
      inFlight.delete(job);
      if (first) onFirst();
      first = false;
      while (next <= performance.now()) next += cfg.intervalMs;
      schedule();
    });
    inFlight.add(job);
  };
  const schedule = () => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      beat();
    }, next - performance.now());
    timers.add(timer);
  };
  schedule();
}

async function start(cfg: FleetConfig): Promise<void> {
  setTimeout(() => void stop(), cfg.lifetimeMs).unref();
  const ids: string[] = [];
  for (let i = 0; i < cfg.nodes; i++) ids.push(await announce(cfg, i));
  let pending = ids.length;
  const onFirst = () => {
    if (--pending === 0) send({ type: "ready" });
  };
  ids.forEach((id, i) => {
    // 4 to 12 heartbeats a download: one node changes state every ~40 s, as a node
    // working through a queue of multi-GB files would.
    const states = new SimulatedNodeStates(i, cfg.models, () => 4 + Math.floor(Math.random() * 9));
    runNode(cfg, id, states, (i * cfg.intervalMs) / ids.length, onFirst);
  });
}

async function stop(): Promise<void> {
  stopped = true;
  for (const t of timers) clearTimeout(t);
  await Promise.allSettled([...inFlight]);
  process.exit(0);
}

process.on("message", (command: FleetCommand) => {
  if (command.type === "start") {
    start(command.config).catch((error: unknown) => {
      send({ type: "error", message: String(error) });
      void stop();
    });
  } else if (command.type === "churn") churn = command.on;
  else if (command.type === "mark") {
    tally = { at: performance.now(), heartbeats: 0, latencies: [], failures: 0, changes: 0 };
  } else if (command.type === "report") {
    const { heartbeats, latencies, failures, changes } = tally;
    const wallS = (performance.now() - tally.at) / 1000;
    send({ type: "report", report: { heartbeats, latenciesMs: latencies, failures, stateChanges: changes, wallS } });
  } else if (command.type === "stop") void stop();
});
// The parent went away: nobody will ever say stop.
process.on("disconnect", () => void stop());
