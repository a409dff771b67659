// Parent side of floor-server.mjs: start a floor in its own process on a given port,
// serving the bytes of a captured response (or sinking heartbeats), and stop it.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface FloorResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Floor {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

// Connection-level headers belong to each response, not to the resource.
const hopHeaders = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);

/** A bare node:http server in its own process answering every request with `response`'s bytes. */
export function startBytesFloor(response: FloorResponse, port: number): Promise<Floor> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-floor-"));
  const spec = path.join(dir, "spec.json");
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !hopHeaders.has(name)));
  writeFileSync(
    spec,
    JSON.stringify({ status: response.status, headers, bodyBase64: response.body.toString("base64") }),
  );
  return launch(["bytes", String(port), spec], () => rmSync(dir, { recursive: true, force: true }));
}

/** A bare node:http server in its own process that reads and parses heartbeats and answers them. */
export function startSinkFloor(port: number): Promise<Floor> {
  return launch(["sink", String(port)], () => {});
}

function launch(args: string[], cleanUp: () => void): Promise<Floor> {
  const child = spawn(process.execPath, [path.join(__dirname, "floor-server.mjs"), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error("floor did not start within 10 s")), 10_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      cleanUp();
      reject(error);
    };
    child.once("exit", (code) => fail(new Error(`floor exited with ${code}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const m = /listening (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({ url: `http://127.0.0.1:${m[1]}`, pid: child.pid as number, stop: () => stopChild(child, cleanUp) });
    });
  });
}

function stopChild(child: ChildProcess, cleanUp: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    cleanUp();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      cleanUp();
      resolve();
    });
    child.kill("SIGTERM");
  });
}
