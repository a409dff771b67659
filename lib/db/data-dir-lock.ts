import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Who holds the lock: a pid alone cannot tell a live owner from a zombie or a reused pid. */
interface LockOwner {
  pid: number;
  /** Linux: the process's start time (clock ticks since boot, /proc/<pid>/stat field 22). */
  start?: string;
  /** Linux: the kernel's boot id, so a start time from before a reboot never matches. */
  boot?: string;
}

/**
 * Two PGlite instances on one folder silently lose each other's writes, so a second
 * server process on the same PGLITE_DIR must fail at start instead. The lock file
 * names its owner; a lock whose owner is gone is taken over. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, "llmlb.lock");
  const me = describeProcess(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, JSON.stringify(me), { flag: "wx" });
      const release = () => rmSync(lockFile, { force: true });
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(lockFile);
      if (owner && !isSameProcess(owner, me) && isOwnerAlive(owner)) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by another llmlb server (pid ${owner.pid}): stop it, or set PGLITE_DIR to another folder or DATABASE_URL to PostgreSQL.`,
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}.`);
}

/** The lock's owner; null when the file is unreadable or half-written (its writer died mid-write). */
function readOwner(lockFile: string): LockOwner | null {
  let text: string;
  try {
    text = readFileSync(lockFile, "utf8").trim();
  } catch {
    return null;
  }
  // Servers before the JSON format wrote the bare pid.
  if (/^\d+$/.test(text)) return { pid: Number(text) };
  try {
    const value = JSON.parse(text) as LockOwner;
    return Number.isInteger(value.pid) && value.pid > 0 ? value : null;
  } catch {
    return null;
  }
}

function isSameProcess(owner: LockOwner, me: LockOwner): boolean {
  return owner.pid === me.pid && (owner.start === undefined || owner.start === me.start);
}

/**
 * A killed process stays a zombie until its parent reaps it, and its pid may later
 * belong to an unrelated process: neither holds the database. Linux says both through
 * /proc; elsewhere only "a process with this pid exists" can be known.
 */
function isOwnerAlive(owner: LockOwner): boolean {
  const stat = readProcStat(owner.pid);
  if (stat === "no-proc") return signalZeroSucceeds(owner.pid);
  if (stat === null) return false;
  if (stat.state === "Z" || stat.state === "X") return false;
  if (owner.start !== undefined && owner.start !== stat.start) return false;
  if (owner.boot !== undefined && owner.boot !== readBootId()) return false;
  return true;
}

function describeProcess(pid: number): LockOwner {
  const stat = readProcStat(pid);
  if (stat === "no-proc" || stat === null) return { pid };
  const boot = readBootId();
  return { pid, start: stat.start, ...(boot ? { boot } : {}) };
}

/** State and start time from /proc/<pid>/stat; null when no such process; "no-proc" without procfs. */
function readProcStat(pid: number): { state: string; start: string } | null | "no-proc" {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return "no-proc";
    try {
      readFileSync("/proc/self/stat");
      return null;
    } catch {
      return "no-proc";
    }
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or ')'.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "", start: fields[19] ?? "" };
}

function readBootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

function signalZeroSucceeds(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
