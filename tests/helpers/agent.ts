import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

export interface RunningAgent {
  name: string;
  cacheDir: string;
  /** Parsed JSON log lines the agent printed. */
  events: Record<string, unknown>[];
  output: string[];
  process: ChildProcess;
  /** Wait for a log event matching `predicate`. */
  waitForEvent(predicate: (e: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Run `llmlb node run` as a real process (the CLI's bin), with JSON-line output. */
export function startAgent(opts: {
  serverUrl: string;
  apiKey: string;
  hubUrl: string;
  name: string;
  cacheDir: string;
  formats?: string;
  hfToken?: string;
  env?: Record<string, string>;
}): RunningAgent {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LLMLB_URL: opts.serverUrl,
    LLMLB_API_KEY: opts.apiKey,
    HF_ENDPOINT: opts.hubUrl,
    HF_HUB_CACHE: opts.cacheDir,
    LLMLB_NODE_NAME: opts.name,
    LLMLB_NODE_FORMATS: opts.formats ?? "gguf,safetensors,onnx",
    ...opts.env,
  };
  if (opts.hfToken) env.HF_TOKEN = opts.hfToken;
  else delete env.HF_TOKEN;
  const child = spawn(process.execPath, [path.join(root, "bin/llmlb.mjs"), "node", "run"], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: Record<string, unknown>[] = [];
  const output: string[] = [];
  const waiters = new Set<() => void>();
  const onLine = (line: string) => {
    output.push(line);
    if (line.startsWith("{")) {
      try {
        events.push(JSON.parse(line));
      } catch {
        // a partial or non-JSON line: kept in `output` only
      }
    }
    for (const w of waiters) w();
  };
  let pending = "";
  const onData = (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const l of lines) if (l.trim()) onLine(l);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);

  return {
    name: opts.name,
    cacheDir: opts.cacheDir,
    events,
    output,
    process: child,
    waitForEvent(predicate, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(predicate);
          if (hit) {
            cleanup();
            resolve(hit);
          } else if (child.exitCode !== null) {
            cleanup();
            reject(new Error(`agent ${opts.name} exited (${child.exitCode}):\n${output.slice(-30).join("\n")}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for an agent event:\n${output.slice(-30).join("\n")}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", (code) => {
          clearTimeout(timer);
          resolve(code);
        });
        child.kill(signal);
      });
    },
  };
}

/** Poll `check` until it returns a truthy value (functional deadline, not a speed assertion). */
export async function waitUntil<T>(
  check: () => Promise<T | undefined | null | false>,
  ms = 30_000,
  label = "condition",
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
