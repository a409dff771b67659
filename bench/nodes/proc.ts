// Linux /proc readings: CPU time of processes and of the whole machine, peak memory,
// bytes written. Only what the benches need; every reader tolerates a process that
// has just exited.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number): string[] | null {
  const text = readText(`/proc/${pid}/stat`);
  if (!text) return null;
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

/** User + system CPU seconds a process has used so far (its threads included). */
export function readCpuSeconds(pid: number): number | null {
  const f = statFields(pid);
  // After ")": state is field 3 of the man page, utime 14 and stime 15.
  return f ? (Number(f[11]) + Number(f[12])) / clockTicks : null;
}

/**
 * CPU seconds of this process's children that have exited and been waited for (cutime
 * and cstime): read before and after a child pipeline, the difference is what it used.
 */
export function readExitedChildrenCpuSeconds(): number {
  const f = statFields(process.pid);
  return f ? (Number(f[13]) + Number(f[14])) / clockTicks : Number.NaN;
}

function parentOf(pid: number): number | null {
  const f = statFields(pid);
  return f ? Number(f[1]) : null;
}

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

export function readCmdline(pid: number): string {
  return (readText(`/proc/${pid}/cmdline`) ?? "").split("\0").join(" ").trim();
}

/** Every process below `pid`, so a server that forks workers is measured whole. */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of allPids()) {
    const parent = parentOf(p);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), p]);
  }
  const out: number[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length) {
    const p = stack.pop() as number;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** Socket inodes listening on `port` (IPv4 and IPv6). */
function listeningInodes(port: number): Set<string> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of (readText(table) ?? "").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is "ADDR:PORT"; state 0A is LISTEN; the inode is the 10th field.
      if (f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A" && f[9]) inodes.add(f[9]);
    }
  }
  return inodes;
}

function holdsSocket(pid: number, inodes: Set<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  return fds.some((fd) => {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      return m !== null && inodes.has(m[1]);
    } catch {
      return false;
    }
  });
}

/**
 * The process of ours listening on `port`: startNextServer does not expose its pid, and
 * `next start` renames itself ("next-server (v…)"), so the listening socket decides.
 */
export function findListeningPid(port: number): number {
  const inodes = listeningInodes(port);
  const match = descendantsOf(process.pid).filter((p) => holdsSocket(p, inodes));
  if (match.length !== 1) throw new Error(`expected one process of ours listening on ${port}, found ${match.length}`);
  return match[0];
}

/** A /proc/<pid>/status value in bytes (VmHWM, VmRSS, …). */
export function readStatusBytes(pid: number, key: string): number | null {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(readText(`/proc/${pid}/status`) ?? "");
  return m ? Number(m[1]) * 1024 : null;
}

/** Bytes the process has passed to write() so far (/proc/<pid>/io wchar). */
export function readBytesWritten(pid: number): number | null {
  const m = /^wchar: (\d+)$/m.exec(readText(`/proc/${pid}/io`) ?? "");
  return m ? Number(m[1]) : null;
}

/** Busy and total CPU seconds of the whole machine since boot (all cores summed). */
export function readMachineCpu(): { busy: number; total: number } {
  const line = (readText("/proc/stat") ?? "").split("\n")[0] ?? "";
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / clockTicks, total: total / clockTicks };
}
