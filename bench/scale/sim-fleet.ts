// Child process of the scale bench: N simulated nodes on keep-alive connections, each
// announcing itself and heartbeating every interval, either in the delta protocol
// (protocol 2, through the agent's own SyncDeltas) or in the old full-list form. Apart from
// the load generator, so neither's event loop delays the other and its CPU is its own.
// Controlled over IPC (SimCommand); see sim-process.ts for the parent side.
import http from "node:http";
import { SyncDeltas } from "../../cli/agent/loop/sync-deltas";
import type { SyncModel, SyncResponse } from "../../lib/api/node-schemas";
import type { SeededModel } from "../nodes/seed";

export type SyncForm = "deltas" | "full";

export interface SimConfig {
  serverUrl: string;
  nodeKey: string;
  models: SeededModel[];
  nodes: number;
  intervalMs: number;
  form: SyncForm;
  /** Node names are PREFIX-000…; two fleets on one server need two prefixes. */
  namePrefix: string;
  /** Hard stop, in case the parent dies without telling us. */
  lifetimeMs: number;
}

export type SimCommand =
  | { type: "start"; config: SimConfig }
  | { type: "form"; form: SyncForm }
  /** Change this share of all (node, model) states per minute, never on `spare` models. */
  | { type: "churn"; perMinute: number; spare: string[] }
  /** Flip one node's state of `model` (ready ↔ downloading) now; answers "probed". */
  | { type: "probe"; model: string }
  | { type: "mark" }
  | { type: "report" }
  | { type: "stop" };

export interface SimReport {
  heartbeats: number;
  latenciesMs: number[];
  failures: number;
  /** Heartbeats that carried a full state (first contact, a snapshot asked, the old form). */
  fullSent: number;
  snapshotsAsked: number;
  /** Nodes (delta form) whose full state the server has not acknowledged yet, at the report. */
  awaitingFull: number;
  stateChanges: number;
  bytesSent: number;
  wallS: number;
  firstFailure: string | null;
}

export type SimMessage =
  | { type: "ready" }
  | { type: "report"; report: SimReport }
  | { type: "probed"; model: string; node: string; changedAt: number; readyDelta: number }
  | { type: "error"; message: string };

const send = (m: SimMessage) => process.send?.(m);

interface SimNode {
  name: string;
  id: string;
  entries: SyncModel[];
  deltas: SyncDeltas;
  /** Entries changed since the last observe(): the agent observes its whole state each heartbeat; unchanged, that is a no-op. */
  dirty: boolean;
  /** The old form's body, kept until a state changes. */
  fullBody: string | null;
  registryEtag: string | null;
}

let cfg: SimConfig;
let form: SyncForm = "deltas";
let stopped = false;
let simNodes: SimNode[] = [];
let churnTimer: NodeJS.Timeout | null = null;
const timers = new Set<NodeJS.Timeout>();
const inFlight = new Set<Promise<void>>();
// One keep-alive connection per node at most, as each agent holds its own.
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
const blank = (): Omit<SimReport, "wallS" | "awaitingFull"> & { at: number } => ({
  at: performance.now(),
  heartbeats: 0,
  latenciesMs: [],
  failures: 0,
  fullSent: 0,
  snapshotsAsked: 0,
  stateChanges: 0,
  bytesSent: 0,
  firstFailure: null,
});
let tally = blank();

function request(method: string, url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${cfg.nodeKey}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${url}: no answer in 60 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** Same mix on every run, decided by node and model index: no download in progress, so nothing changes on its own. */
function initialEntries(node: number): SyncModel[] {
  return cfg.models.map((m, j): SyncModel => {
    const r = ((node * 7919 + j * 104_729) >>> 0) % 100;
    if (r < 90) return { name: m.name, commit: m.commit, state: "ready", variant: m.variant };
    if (r < 96) return { name: m.name, commit: m.commit, state: "pending", variant: m.variant };
    if (r < 98) {
      return {
        name: m.name,
        commit: m.commit,
        state: "error",
        error: { code: "disk_full", message: "not enough disk" },
      };
    }
    return {
      name: m.name,
      commit: m.commit,
      state: "unsupported",
      error: { code: "unsupported", message: "no variant fits this node's formats" },
    };
  });
}

/** ready → downloading (half done) or back; other states are left alone. Returns the change in ready count, 0 if none. */
function flip(node: SimNode, j: number): number {
  const e = node.entries[j];
  const m = cfg.models[j];
  if (e.state === "ready") {
    node.entries[j] = { ...e, state: "downloading", bytes_done: Math.floor(m.sizeBytes / 2), bytes_total: m.sizeBytes };
  } else if (e.state === "downloading") {
    node.entries[j] = { name: e.name, commit: e.commit, state: "ready", variant: e.variant };
  } else return 0;
  node.dirty = true;
  node.fullBody = null;
  tally.stateChanges++;
  return e.state === "ready" ? -1 : 1;
}

async function announce(i: number): Promise<SimNode> {
  const name = `${cfg.namePrefix}-${String(i).padStart(4, "0")}`;
  const res = await request(
    "POST",
    `${cfg.serverUrl}/api/nodes`,
    JSON.stringify({
      name,
      runtimes: ["llama.cpp"],
      formats: ["gguf", "safetensors"],
      gpus: [{ name: "NVIDIA L40S", memory_bytes: 48e9 }],
      memory_bytes: 256 * 2 ** 30,
      free_disk_bytes: 2e12,
      agent_version: "bench",
    }),
  );
  const id = (JSON.parse(res.text) as { id?: string }).id;
  if (res.status >= 300 || !id) throw new Error(`POST /api/nodes → ${res.status} ${res.text.slice(0, 200)}`);
  return {
    name,
    id,
    entries: initialEntries(i),
    deltas: new SyncDeltas(),
    dirty: true,
    fullBody: null,
    registryEtag: null,
  };
}

function failed(what: string): void {
  tally.failures++;
  tally.firstFailure ??= what;
}

/** One heartbeat; in the delta form a snapshot the server asks for goes at once, as the agent does. */
async function heartbeat(node: SimNode, again = false): Promise<void> {
  const url = `${cfg.serverUrl}/api/nodes/${node.id}/sync`;
  let body: string;
  let sent: { seq: number; full: boolean } | null = null;
  if (form === "full") {
    node.fullBody ??= JSON.stringify({ free_disk_bytes: 2e12, models: node.entries });
    body = node.fullBody;
    tally.fullSent++;
  } else {
    if (node.dirty) node.deltas.observe(node.entries);
    node.dirty = false;
    const payload = node.deltas.next(node.registryEtag);
    sent = { seq: payload.seq, full: payload.full };
    if (payload.full) tally.fullSent++;
    body = JSON.stringify({ free_disk_bytes: 2e12, ...payload });
  }
  const started = performance.now();
  let answer: { status: number; text: string };
  try {
    answer = await request("PUT", url, body);
  } catch (error) {
    failed(String(error));
    return;
  } finally {
    tally.heartbeats++;
    tally.bytesSent += Buffer.byteLength(body);
  }
  tally.latenciesMs.push(performance.now() - started);
  if (answer.status !== 200) {
    failed(`PUT ${url} → ${answer.status} ${answer.text.slice(0, 200)}`);
    return;
  }
  const res = JSON.parse(answer.text) as SyncResponse;
  node.registryEtag = res.registry_etag;
  if (sent) {
    node.deltas.answered(res, sent);
    if (res.snapshot) tally.snapshotsAsked++;
    if (node.deltas.wantsFull && !again && !stopped) await heartbeat(node, true);
  }
}

/** One node: heartbeats on a fixed schedule, never two in flight, skipping beats it is late for. */
function runNode(node: SimNode, offsetMs: number, onFirst: () => void): void {
  let next = performance.now() + offsetMs;
  let first = true;
  const beat = () => {
    if (stopped) return;
    const job = heartbeat(node).finally(() => {
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
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        beat();
      },
      Math.max(0, next - performance.now()),
    );
    timers.add(timer);
  };
  schedule();
}

async function start(config: SimConfig): Promise<void> {
  cfg = config;
  form = config.form;
  setTimeout(() => void stop(), cfg.lifetimeMs).unref();
  // Ten announcements at a time: a fleet coming up, not one node after another.
  simNodes = new Array(cfg.nodes);
  let nextIndex = 0;
  await Promise.all(
    Array.from({ length: Math.min(10, cfg.nodes) }, async () => {
      while (nextIndex < cfg.nodes) {
        const i = nextIndex++;
        simNodes[i] = await announce(i);
      }
    }),
  );
  let pending = simNodes.length;
  const onFirst = () => {
    if (--pending === 0) send({ type: "ready" });
  };
  for (const [i, node] of simNodes.entries()) runNode(node, (i * cfg.intervalMs) / simNodes.length, onFirst);
}

function startChurn(perMinute: number, spare: string[]): void {
  if (churnTimer) clearInterval(churnTimer);
  churnTimer = null;
  if (perMinute <= 0) return;
  const spared = new Set(spare);
  const candidates = cfg.models.map((m, j) => (spared.has(m.name) ? -1 : j)).filter((j) => j >= 0);
  // Per second: the share of every state, rounded; the remainder carried so the rate is exact.
  let owed = 0;
  churnTimer = setInterval(() => {
    owed += (simNodes.length * cfg.models.length * perMinute) / 60;
    for (; owed >= 1; owed--) {
      const node = simNodes[Math.floor(Math.random() * simNodes.length)];
      const j = candidates[Math.floor(Math.random() * candidates.length)];
      flip(node, j);
    }
  }, 1_000);
}

function probe(model: string): void {
  const j = cfg.models.findIndex((m) => m.name === model);
  const node =
    simNodes.find((n) => n.entries[j]?.state === "ready") ??
    simNodes.find((n) => n.entries[j]?.state === "downloading");
  if (j < 0 || !node) {
    send({ type: "error", message: `probe: no node holds ${model} ready or downloading` });
    return;
  }
  const readyDelta = flip(node, j);
  send({ type: "probed", model, node: node.name, changedAt: Date.now(), readyDelta });
}

async function stop(): Promise<void> {
  stopped = true;
  if (churnTimer) clearInterval(churnTimer);
  for (const t of timers) clearTimeout(t);
  await Promise.allSettled([...inFlight]);
  agent.destroy();
  process.exit(0);
}

process.on("message", (command: SimCommand) => {
  if (command.type === "start") {
    start(command.config).catch((error: unknown) => {
      send({ type: "error", message: String(error) });
      void stop();
    });
  } else if (command.type === "form") {
    form = command.form;
    // Back to deltas after full lists: the server's session is the one it last heard.
    for (const node of simNodes) node.dirty = true;
  } else if (command.type === "churn") startChurn(command.perMinute, command.spare);
  else if (command.type === "probe") probe(command.model);
  else if (command.type === "mark") tally = blank();
  else if (command.type === "report") {
    const { at, ...rest } = tally;
    const awaitingFull = form === "deltas" ? simNodes.filter((n) => n.deltas.wantsFull).length : 0;
    send({ type: "report", report: { ...rest, awaitingFull, wallS: (performance.now() - at) / 1000 } });
  } else if (command.type === "stop") void stop();
});
// The parent went away: nobody will ever say stop.
process.on("disconnect", () => void stop());
