// Runs `llmlb …` as a real process (node bin/llmlb.mjs) from a foreign working
// directory, with none of the caller's LLMLB_* / HF_* settings leaking in.
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";

const bin = path.resolve(__dirname, "../../bin/llmlb.mjs");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  opts: { timeoutMs?: number } = {},
): Promise<CliResult> {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (/^(LLMLB_|HF_)/.test(k)) delete base[k];
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: os.tmpdir(),
    env: { ...base, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** Runs a command line under a pseudo-terminal (util-linux `script`), typing `answer` once `prompt` shows. */
export function runCliInTty(
  args: string[],
  env: Record<string, string | undefined>,
  input?: { prompt: string; answer: string },
): Promise<CliResult> {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (/^(LLMLB_|HF_)/.test(k)) delete base[k];
  const quoted = [process.execPath, bin, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  // `script` reports the command's exit status as its own with -e.
  const child = spawn("script", ["-qec", quoted, "/dev/null"], {
    cwd: os.tmpdir(),
    env: { ...base, ...env, COLUMNS: "120", TERM: "xterm" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let answered = false;
  child.stdout.on("data", (d) => {
    stdout += d;
    if (input && !answered && stdout.includes(input.prompt)) {
      answered = true;
      child.stdin.write(input.answer);
    }
  });
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, stdout, stderr });
    }),
  );
}
