// CPU shares over one measured window: the server (with any child processes), the
// PostgreSQL backends serving it, the bench's own processes, and the machine as a whole,
// so contention from anything else running is visible next to the figures.
import os from "node:os";
import { descendantsOf, readCpuSeconds, readMachineCpu } from "./proc";

export interface CpuShares {
  wallS: number;
  /** Each in cores: CPU seconds per wall second (1.0 = one core fully busy). */
  server: number;
  postgres: number;
  bench: number;
  helpers: number;
  machine: number;
  cores: number;
}

export interface CpuMeterSources {
  serverPid: number;
  /** Backends of the benchmark's database, read at start and end. */
  postgresPids?: () => Promise<number[]>;
  /** Other processes of the bench (simulated fleet, agents). */
  helperPids?: () => number[];
}

const sumCpu = (pids: number[]) => {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const s = readCpuSeconds(pid);
    if (s !== null) out.set(pid, s);
  }
  return out;
};

// A process that started inside the window counts from zero; one that ended inside it
// is lost, so pools that keep their connections are what this is meant for.
const delta = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, s]) => sum + s - (before.get(pid) ?? 0), 0);

export async function startCpuMeter(src: CpuMeterSources) {
  const serverPids = () => [src.serverPid, ...descendantsOf(src.serverPid)];
  const snapshot = async () => ({
    at: performance.now(),
    server: sumCpu(serverPids()),
    postgres: sumCpu((await src.postgresPids?.()) ?? []),
    helpers: sumCpu(src.helperPids?.() ?? []),
    bench: process.cpuUsage(),
    machine: readMachineCpu(),
  });
  const start = await snapshot();
  return {
    async stop(): Promise<CpuShares> {
      const end = await snapshot();
      const wallS = (end.at - start.at) / 1000;
      const bench = process.cpuUsage(start.bench);
      return {
        wallS,
        server: delta(start.server, end.server) / wallS,
        postgres: delta(start.postgres, end.postgres) / wallS,
        helpers: delta(start.helpers, end.helpers) / wallS,
        bench: (bench.user + bench.system) / 1e6 / wallS,
        machine: (end.machine.busy - start.machine.busy) / wallS,
        cores: os.cpus().length,
      };
    },
  };
}
