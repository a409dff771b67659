// Start-up on the embedded database after a crash: a server restarted at once after
// `kill -9` finds the lock of a dead process (a zombie until its parent reaps it) and
// must start and serve; a lock held by a live server ends the second one with a clear
// message and a non-zero exit, never a server that answers 500 to everything.
// Both run on PGlite whatever TEST_DB says: the lock is the embedded database's.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { getFreePort, type RunningServer, runNextServerToExit, startNextServer } from "./helpers/server";

const root = path.resolve(__dirname, "..");
const adminKey = "restart-test-admin-key-0123456789";
const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-restart-"));
const env = { PGLITE_DIR: dir, DATABASE_URL: undefined, LLMLB_ADMIN_KEY: adminKey, HF_TOKEN: undefined };
const started: ChildProcess[] = [];
const servers: RunningServer[] = [];

afterAll(async () => {
  for (const server of servers) await server.stop();
  for (const child of started) if (child.pid) process.kill(-child.pid, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const serverScript = path.join(root, "server.mjs");
/** The pid the lock file names (older servers wrote it bare, newer ones as JSON with more). */
const lockPid = (): number => {
  const text = readFileSync(path.join(dir, "llmlb.lock"), "utf8").trim();
  return /^\d+$/.test(text) ? Number(text) : JSON.parse(text).pid;
};
const procState = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return "gone";
  }
};

/** The server (`npm start`) under a shell that then becomes `sleep`: nothing reaps the server once it dies. */
async function startUnreapedServer(): Promise<string> {
  const port = await getFreePort();
  const child = spawn("sh", ["-c", `"${process.execPath}" "${serverScript}" -p ${port} & exec sleep 600`], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env, DATABASE_URL: "" },
    stdio: "ignore",
    detached: true,
  });
  started.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const status = await fetch(`${url}/login`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return url;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the first server did not start");
}

const api = (url: string, p: string, init: RequestInit = {}) =>
  fetch(`${url}${p}`, {
    ...init,
    headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
  });

describe("restarting the server on the embedded database", () => {
  it("starts at once after kill -9, while the dead server is still a zombie, with its data", async () => {
    const first = await startUnreapedServer();
    const created = await api(first, "/api/keys", {
      method: "POST",
      body: JSON.stringify({ name: "before", scope: "reader" }),
    });
    expect(created.status).toBe(201);
    const pid = lockPid();
    process.kill(pid, "SIGKILL");
    for (let i = 0; i < 50 && procState(pid) !== "Z"; i++) await new Promise((r) => setTimeout(r, 20));
    expect(procState(pid)).toBe("Z");

    const second = await startNextServer(env);
    servers.push(second);
    expect((await fetch(`${second.url}/login`)).status).toBe(200);
    const keys = await api(second.url, "/api/keys");
    expect(keys.status).toBe(200);
    expect((await keys.json()).keys.map((k: { name: string }) => k.name)).toContain("before");
    expect((await api(second.url, "/v1/models")).status).toBe(200);
  });

  it("ends a second server on a folder a live server holds, with a clear message and a non-zero exit", async () => {
    const { code, output } = await runNextServerToExit(env);
    expect(code, output).toBe(1);
    expect(output).toContain("llmlb: cannot start:");
    expect(output).toContain(`is in use by another llmlb server (pid ${lockPid()})`);
    // The live server was not disturbed.
    expect((await api(servers[0].url, "/v1/models")).status).toBe(200);
  }, 60_000);
});
