// Free space as an unprivileged process can use it (bavail, not bfree: root's reserve
// is no use to the agent).
import fs from "node:fs/promises";
import { formatBytes } from "../output/format";

export async function getFreeDiskBytes(dir: string): Promise<number> {
  const st = await fs.statfs(dir);
  return Number(st.bavail) * Number(st.bsize);
}

export type DiskCheck = { ok: true; freeBytes: number } | { ok: false; freeBytes: number; message: string };

/** Whether `neededBytes` more fit on the disk of `dir` while keeping `reserveBytes` free. */
export async function checkDiskSpace(dir: string, neededBytes: number, reserveBytes: number): Promise<DiskCheck> {
  const freeBytes = await getFreeDiskBytes(dir);
  const usable = Math.max(0, freeBytes - reserveBytes);
  if (neededBytes <= usable) return { ok: true, freeBytes };
  const reserve = reserveBytes > 0 ? ` after keeping ${formatBytes(reserveBytes)} (${reserveBytes} bytes) free` : "";
  return {
    ok: false,
    freeBytes,
    message: `needs ${formatBytes(neededBytes)} (${neededBytes} bytes) more but only ${formatBytes(usable)} (${usable} bytes) is available in ${dir}${reserve}`,
  };
}
