// Parent side of sim-fleet.ts: spawn it under tsx's loader, send commands, await replies.
import path from "node:path";
import { spawnIpcChild } from "../nodes/ipc-child";
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

/** Starts the fleet; resolves once every node has sent its first heartbeat (a full state). */
export async function startSimFleet(config: SimConfig, readyTimeoutMs = 30 * 60_000): Promise<SimFleet> {
  // Room for a thousand nodes' states (and the agent's copy of each) in one process.
  const child = spawnIpcChild<SimCommand, SimMessage>("simulated fleet", path.join(__dirname, "sim-fleet.ts"), [
    "--max-old-space-size=4096",
  ]);
  const ready = child.next("ready", readyTimeoutMs);
  child.send({ type: "start", config });
  const fleet: SimFleet = {
    pid: child.pid,
    setForm: (form) => child.send({ type: "form", form }),
    churn: (perMinute, spare) => child.send({ type: "churn", perMinute, spare }),
    async probe(model) {
      const reply = child.next("probed", 30_000);
      child.send({ type: "probe", model });
      return reply;
    },
    mark: () => child.send({ type: "mark" }),
    async report() {
      const reply = child.next("report", 30_000);
      child.send({ type: "report" });
      return (await reply).report;
    },
    stop: () => child.stop({ type: "stop" }, 15_000),
  };
  try {
    await ready;
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return fleet;
}
