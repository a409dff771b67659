// Parent side of fleet-sim.ts: spawn it under tsx's loader, send commands, await replies.
import path from "node:path";
import type { FleetCommand, FleetConfig, FleetMessage, FleetReport } from "./fleet-sim";
import { spawnIpcChild } from "./ipc-child";

export interface Fleet {
  pid: number;
  setChurn(on: boolean): void;
  mark(): void;
  report(): Promise<FleetReport>;
  stop(): Promise<void>;
}

/** Starts the fleet and resolves once every node has sent its first full snapshot. */
export async function startFleet(config: FleetConfig): Promise<Fleet> {
  const child = spawnIpcChild<FleetCommand, FleetMessage>("fleet", path.join(__dirname, "fleet-sim.ts"));
  const ready = child.next("ready", 120_000);
  child.send({ type: "start", config });
  const fleet: Fleet = {
    pid: child.pid,
    setChurn: (on) => child.send({ type: "churn", on }),
    mark: () => child.send({ type: "mark" }),
    async report() {
      const reply = child.next("report", 30_000);
      child.send({ type: "report" });
      return (await reply).report;
    },
    stop: () => child.stop({ type: "stop" }, 10_000),
  };
  try {
    await ready;
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return fleet;
}
