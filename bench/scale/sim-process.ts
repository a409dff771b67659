// Parent side of sim-fleet.ts: spawn it under tsx's loader, send commands, await replies.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import type { SimCommand, SimConfig, SimMessage, SimReport, SyncForm } from "./sim-fleet";

export interface SimFleet {
  pid: number;
  setForm(form: SyncForm): void;
  churn(perMinute: number, spare: string[]): void;
  probe(model: string): Promise<Extract<SimMessage, { type: "probed" }>>;
  mark(): void;
  report(): Promise<SimReport>;
  stop(): Promise<void>;
}

function nextMessage<T extends SimMessage["type"]>(child: ChildProcess, type: T, timeoutMs: number) {
  return new Promise<Extract<SimMessage, { type: T }>>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`simulated fleet: no ${type} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: SimMessage) => {
      if (m.type === "error") done(new Error(`simulated fleet: ${m.message}`));
      else if (m.type === type) done(null, m as Extract<SimMessage, { type: T }>);
    };
    const onExit = (code: number | null) => done(new Error(`simulated fleet exited with ${code}`));
    const done = (error: Error | null, value?: Extract<SimMessage, { type: T }>) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(value as Extract<SimMessage, { type: T }>);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/** Starts the fleet; resolves once every node has sent its first heartbeat (a full state). */
export async function startSimFleet(config: SimConfig, readyTimeoutMs = 30 * 60_000): Promise<SimFleet> {
  // Room for a thousand nodes' states (and the agent's copy of each) in one process.
  const child = spawn(
    process.execPath,
    ["--max-old-space-size=4096", "--import", "tsx", path.join(__dirname, "sim-fleet.ts")],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const send = (c: SimCommand) => child.send(c);
  const ready = nextMessage(child, "ready", readyTimeoutMs);
  send({ type: "start", config });
  const fleet: SimFleet = {
    pid: child.pid as number,
    setForm: (form) => send({ type: "form", form }),
    churn: (perMinute, spare) => send({ type: "churn", perMinute, spare }),
    async probe(model) {
      const reply = nextMessage(child, "probed", 30_000);
      send({ type: "probe", model });
      return reply;
    },
    mark: () => send({ type: "mark" }),
    async report() {
      const reply = nextMessage(child, "report", 30_000);
      send({ type: "report" });
      return (await reply).report;
    },
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        send({ type: "stop" });
      });
    },
  };
  try {
    await ready;
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return fleet;
}
