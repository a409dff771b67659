// Propagation: registrations and deletions reaching a long-polling node. A client
// looping on GET /api/models?wait=25 (the agent's loop) and, optionally, the real
// agent watch the registry while the bench registers and deletes one model at a time.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type RunningAgent, startAgent } from "../../tests/helpers/agent";
import { withCleanups } from "./cleanup";
import { startLongPoller } from "./long-poll";
import { type DatabaseKind, type Stack, startStack } from "./stack";
import { sleep } from "./stats";

/** Small fixtures in every accepted shape: repos, single files, quant shorthands, URLs, a legacy id. */
const registrations: Record<string, string>[] = [
  { repo: "acme/tiny-llama-GGUF" },
  { repo: "acme/tiny-llama-GGUF:Q4_K_M" },
  { repo: "acme/tiny-llama-GGUF", filename: "tiny-llama.Q8_0.gguf" },
  { repo: "https://huggingface.co/acme/tiny-safetensors" },
  { repo: "acme/mixed-formats" },
  { repo: "acme/tiny-onnx" },
  { repo: "acme/big-model-GGUF:Q4_K_M" },
  { repo: "acme/sharded-safetensors" },
  { repo: "gpt2" },
  { repo: "acme/tiny-metal" },
];

export interface Sample {
  /** Request sent → the long-poller's response holding the change (ms). */
  fromSent: number;
  /** Register/delete response received → the same (ms; negative when the poller was first). */
  fromResponse: number;
  roundTrip: number;
  /** Response → the agent's first JSON event about the model (ms), when an agent runs. */
  agent: number | null;
}

export interface PropagationRun {
  database: DatabaseKind;
  register: Sample[];
  delete: Sample[];
  /** Changes the poller never reported within the time limit. */
  missed: number;
  pollStatuses: Map<number, number>;
}

type Waiter = { test: (names: Set<string>) => boolean; resolve: (at: number) => void };

export async function measurePropagation(opts: {
  database: DatabaseKind;
  rounds: number;
  withAgent: boolean;
}): Promise<PropagationRun> {
  return withCleanups(async (cleanups) => {
    const stack = await startStack(cleanups, { database: opts.database });
    const nodeKey = await stack.createKey("node");
    const waiters = new Set<Waiter>();
    const poller = startLongPoller({
      serverUrl: stack.server.url,
      apiKey: nodeKey,
      waitS: 25,
      onListing: (names, at) => {
        for (const w of waiters) if (w.test(names)) w.resolve(at);
      },
    });
    cleanups.add("stop long-poller", () => poller.stop());
    await poller.ready;
    let agent: RunningAgent | null = null;
    if (opts.withAgent) {
      const cacheDir = mkdtempSync(path.join(os.tmpdir(), "llmlb-bench-propagation-"));
      cleanups.add("remove agent cache", () => rmSync(cacheDir, { recursive: true, force: true }));
      agent = startAgent({
        serverUrl: stack.server.url,
        apiKey: nodeKey,
        hubUrl: stack.hub.url,
        name: "bench-propagation",
        cacheDir,
      });
      cleanups.add("stop agent", () => agent?.stop());
    }
    const run: PropagationRun = {
      database: opts.database,
      register: [],
      delete: [],
      missed: 0,
      pollStatuses: poller.statuses,
    };
    const seen = (test: Waiter["test"]) => {
      let resolve: (at: number) => void = () => {};
      const at = new Promise<number>((r) => {
        resolve = r;
      });
      const waiter = { test, resolve };
      waiters.add(waiter);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<number>((r) => {
        timer = setTimeout(() => r(Number.NaN), 10_000);
      });
      return Promise.race([at, timeout]).finally(() => {
        clearTimeout(timer);
        waiters.delete(waiter);
      });
    };
    // Round 0 warms up: route bundles load and the agent announces itself, unmeasured.
    for (let round = 0; round <= opts.rounds; round++) {
      const body = registrations[round % registrations.length];
      const reg = await change(stack, agent, seen, "register", body);
      const del = await change(stack, agent, seen, "delete", body, reg.name);
      if (round === 0) continue;
      for (const [list, s] of [
        [run.register, reg.sample],
        [run.delete, del.sample],
      ] as const) {
        if (Number.isNaN(s.fromSent)) run.missed++;
        else list.push(s);
      }
    }
    return run;
  });
}

async function change(
  stack: Stack,
  agent: RunningAgent | null,
  seen: (test: (names: Set<string>) => boolean) => Promise<number>,
  kind: "register" | "delete",
  body: Record<string, string>,
  knownName?: string,
): Promise<{ name: string; sample: Sample }> {
  // Let the poller (and the agent) get back into their long-poll first, as between real registrations.
  await sleep(150 + Math.random() * 100);
  const firstEvent = agent?.events.length ?? 0;
  // The registry is empty between rounds, so "not empty" and "empty again" are the changes.
  const seenAt = seen((names) => (kind === "register" ? names.size > 0 : names.size === 0));
  const sent = performance.now();
  const res =
    kind === "register"
      ? await stack.api<{ name: string }>("/api/models/register", { method: "POST", body: JSON.stringify(body) })
      : await stack.api(`/api/models/${encodeURIComponent(knownName ?? "")}`, { method: "DELETE" });
  const received = performance.now();
  const receivedWall = Date.now();
  const name = knownName ?? (res.body as { name: string }).name;
  const at = await seenAt;
  let agentMs: number | null = null;
  if (agent) {
    const mine = (e: Record<string, unknown>) => e.model === name && agent.events.indexOf(e) >= firstEvent;
    const first = await agent.waitForEvent(mine, 15_000);
    agentMs = Date.parse(String(first.ts)) - receivedWall;
    // Wait until the agent is done with the model, so the next change finds it idle.
    const settled = kind === "register" ? ["model.ready", "model.unsupported", "model.error"] : ["model.removed"];
    await agent.waitForEvent((e) => mine(e) && settled.includes(String(e.event)), 30_000);
  }
  return {
    name,
    sample: { fromSent: at - sent, fromResponse: at - received, roundTrip: received - sent, agent: agentMs },
  };
}
