// Timed child processes for the reference downloads (curl and friends).
import { spawn } from "node:child_process";

export interface TimedRun {
  wallS: number;
  stdout: string;
}

/** Runs a bash pipeline (pipefail), fails on a non-zero exit, and times it from spawn to exit. */
export function runTimed(script: string, timeoutMs = 180_000): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("bash", ["-o", "pipefail", "-c", script], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const wallS = (performance.now() - started) / 1000;
      if (code === 0) resolve({ wallS, stdout });
      else reject(new Error(`\`${script}\` exited ${code ?? signal}: ${stderr.trim()}`));
    });
  });
}

/** Single-quoted for bash. */
export const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
