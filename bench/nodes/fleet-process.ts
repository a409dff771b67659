// Parent side of fleet-sim.ts: spawn it under tsx's loader, send commands, await replies.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import type { FleetCommand, FleetConfig, FleetMessage, FleetReport } from "./fleet-sim";

export interface Fleet {
  pid: number;
  setChurn(on: boolean): void;
  mark(): void;
  report(): Promise<FleetReport>;
  stop(): Promise<void>;
}

function nextMessage<T extends FleetMessage["type"]>(child: ChildProcess, type: T, timeoutMs: number) {
  return new Promise<Extract<FleetMessage, { type: T }>>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`fleet: no ${type} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: FleetMessage) => {
      if (m.type === "error") done(new Error(`fleet: ${m.message}`));
      else if (m.type === type) done(null, m as Extract<FleetMessage, { type: T }>);
    };
    const onExit = (code: number | null) => done(new Error(`fleet exited with ${code}`));
    const done = (error: Error | null, value?: Extract<FleetMessage, { type: T }>) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(value as Extract<FleetMessage, { type: T }>);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/** Starts the fleet and resolves once every node has sent its first full snapshot. */
export async function startFleet(config: FleetConfig): Promise<Fleet> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "fleet-sim.ts")], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const send = (c: FleetCommand) => child.send(c);
  const ready = nextMessage(child, "ready", 120_000);
  send({ type: "start", config });
  const fleet: Fleet = {
    pid: child.pid as number,
    setChurn: (on) => send({ type: "churn", on }),
    mark: () => send({ type: "mark" }),
    async report() {
      const reply = nextMessage(child, "report", 30_000);
      send({ type: "report" });
      return (await reply).report;
    },
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
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
