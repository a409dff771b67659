import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

export interface RunningServer {
  url: string;
  /** Every line the server printed (JSON log lines and Next's banner). */
  logs: string[];
  /** SIGTERM, then SIGKILL after 10 s; resolves with how the process ended. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Run the production server (`next start`) from the last `npm run build`, or from
 * the build in NEXT_DIST_DIR (in `env` or the environment) when one is named.
 */
export async function startNextServer(
  env: Record<string, string | undefined>,
  opts: { port?: number; onLine?: (line: string) => void } = {},
): Promise<RunningServer> {
  const distDir = env.NEXT_DIST_DIR ?? process.env.NEXT_DIST_DIR ?? ".next";
  if (!existsSync(path.join(root, distDir, "BUILD_ID"))) {
    throw new Error(`No production build in ${distDir}: run \`npm run build\` first (\`npm test\` does).`);
  }
  const port = opts.port ?? (await getFreePort());
  const child = spawnNextStart(port, env);
  const logs: string[] = [];
  const collect = (chunk: Buffer) => {
    const lines = chunk.toString("utf8").split("\n").filter(Boolean);
    logs.push(...lines);
    if (opts.onLine) for (const line of lines) opts.onLine(line);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, child, logs);
  return { url, logs, stop: () => stopChild(child) };
}

function spawnNextStart(port: number, env: Record<string, string | undefined>): ChildProcess {
  return spawn(process.execPath, [path.join(root, "server.mjs"), "-p", String(port)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function waitForHttp(url: string, child: ChildProcess, logs: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${logs.join("\n")}`);
    try {
      await fetch(`${url}/v1/models`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`server did not start:\n${logs.join("\n")}`);
}

function stopChild(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    child.kill("SIGTERM");
  });
}

/**
 * Run `next start` when it is expected to refuse to start: resolves with its exit code
 * and everything it printed once it exits, or with code null if it is still running
 * after `timeoutMs` (it is then killed).
 */
export async function runNextServerToExit(
  env: Record<string, string | undefined>,
  opts: { timeoutMs?: number } = {},
): Promise<{ code: number | null; output: string }> {
  const port = await getFreePort();
  const child = spawnNextStart(port, env);
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  // Poke it so a server that did not exit is seen answering (or hanging) too.
  fetch(`http://127.0.0.1:${port}/login`).catch(() => {});
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, opts.timeoutMs ?? 45_000);
    child.once("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  return { code, output };
}

/**
 * JSON calls to a running server with a bearer key: the parsed body (null when empty), or
 * an error naming the method, path, status and body.
 */
export function jsonApi(baseUrl: () => string, key: string) {
  return async function api(p: string, init: RequestInit = {}) {
    const res = await fetch(`${baseUrl()}${p}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? "GET"} ${p} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}
