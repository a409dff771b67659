// The machine's load around each part of a bench: load averages, and how busy the CPUs
// were over the part (from /proc/stat). Other work on the machine competes with every
// figure, so each part says how loaded the machine was while it ran.
import os from "node:os";
import { readMachineCpu } from "./nodes/proc";

export interface LoadMark {
  at: number;
  loadavg: number[];
  busyS: number;
  totalS: number;
}

export interface PartLoad {
  part: string;
  before: number[];
  after: number[];
  /** Share of all cores busy over the part (0–1), every process on the machine counted. */
  busy: number;
  wallS: number;
}

export function markLoad(): LoadMark {
  const cpu = readMachineCpu();
  return { at: performance.now(), loadavg: os.loadavg(), busyS: cpu.busy, totalS: cpu.total };
}

const avg = (l: number[]) => l.map((v) => v.toFixed(2)).join(" / ");

/** Prints the load before a part; call the returned function after it to print and get the whole. */
export function watchLoad(part: string): () => PartLoad {
  const start = markLoad();
  console.log(`[load] before ${part}: load average ${avg(start.loadavg)} (1 / 5 / 15 min), ${os.cpus().length} cores`);
  return () => {
    const end = markLoad();
    const totalS = end.totalS - start.totalS;
    const busy = totalS > 0 ? (end.busyS - start.busyS) / totalS : Number.NaN;
    const wallS = (end.at - start.at) / 1000;
    console.log(
      `[load] after ${part}: load average ${avg(end.loadavg)}; CPUs ${(busy * 100).toFixed(0)}% busy over its ${wallS.toFixed(0)} s`,
    );
    return { part, before: start.loadavg, after: end.loadavg, busy, wallS };
  };
}

export function loadTable(parts: PartLoad[]) {
  return {
    title: "Machine load around each part (load average 1 / 5 / 15 min; CPU busy: all cores, every process)",
    headers: ["Part", "before", "after", "CPU busy", "s"],
    rows: parts.map((p) => [p.part, avg(p.before), avg(p.after), `${(p.busy * 100).toFixed(0)}%`, p.wallS.toFixed(0)]),
  };
}
