// `npm run demo` as a newcomer runs it: it prints a console URL, a sign-in, an API
// key and three things to try; each of them works as printed, two nodes sync, and
// Ctrl-C stops every process it started.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { waitUntil } from "./helpers/agent";

const root = path.resolve(__dirname, "..");
let demo: ChildProcess | undefined;
let output = "";

afterAll(async () => {
  try {
    if (demo?.pid) process.kill(-demo.pid, "SIGKILL");
  } catch {
    // already gone: the test stopped it
  }
});

const field = (label: string) => output.match(new RegExp(`^\\s+${label}\\s+(\\S+)`, "m"))?.[1] ?? "";

describe("npm run demo", () => {
  it("starts a working console with two syncing nodes, and every printed command works", async () => {
    demo = spawn("npm", ["run", "-s", "demo"], { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    demo.stdout?.on("data", (c) => {
      output += c.toString();
    });
    demo.stderr?.on("data", (c) => {
      output += c.toString();
    });
    await waitUntil(async () => output.includes("Try:"), 120_000, `the demo banner:\n${output}`);

    const url = field("Console");
    const key = field("API key");
    const [email, , password] = (output.match(/^\s+Sign in\s+(.+)$/m)?.[1] ?? "").split(" ");
    expect(url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(key).toMatch(/^llmlb_/);

    // Two nodes sync the model the demo registered.
    const auth = { authorization: `Bearer ${key}` };
    await waitUntil(
      async () => {
        const list = await (await fetch(`${url}/v1/models`, { headers: auth })).json();
        return list.data.some((m: { sync: { ready_nodes: number } }) => m.sync.ready_nodes === 2);
      },
      60_000,
      "the demo model ready on two nodes",
    );

    // Command 1: the CLI line, exactly as printed.
    const cliLine =
      output
        .split("\n")
        .find((l) => l.includes("model add"))
        ?.trim() ?? "";
    const cli = await promisify(execFile)("bash", ["-c", cliLine], { cwd: root, timeout: 120_000 });
    expect(cli.stdout).toContain("hf/llmlb-demo/phi-mini-instruct");

    // Command 2: curl /v1/models lists it, ready.
    const curlLine =
      output
        .split("\n")
        .find((l) => l.trim().startsWith("curl"))
        ?.trim() ?? "";
    const curl = await promisify(execFile)("bash", ["-c", curlLine], { timeout: 30_000 });
    const phi = JSON.parse(curl.stdout).data.find((m: { id: string }) => m.id === "hf/llmlb-demo/phi-mini-instruct");
    expect(phi.ready).toBe(true);

    // Command 3: the browser: signing in with the printed credentials opens the models page.
    const csrfRes = await fetch(`${url}/api/auth/csrf`);
    const { csrfToken } = await csrfRes.json();
    const cookies = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]);
    const signIn = await fetch(`${url}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${url}/models` }),
    });
    cookies.push(...signIn.headers.getSetCookie().map((c) => c.split(";")[0]));
    expect(cookies.some((c) => c.startsWith("authjs.session-token="))).toBe(true);
    const page = await fetch(`${url}/models`, { headers: { cookie: cookies.join("; ") }, redirect: "manual" });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("phi-mini-instruct");

    // Ctrl-C stops everything: the console goes away and the demo's folder (caches,
    // database, logs) is removed once agents and server have stopped.
    const demoDir = output.match(/logs in (\S+)/)?.[1] ?? "";
    expect(existsSync(demoDir)).toBe(true);
    process.kill(-(demo.pid as number), "SIGINT");
    await waitUntil(async () => !existsSync(demoDir), 30_000, "the demo to clean up");
    await waitUntil(
      async () =>
        !(await fetch(url).then(
          () => true,
          () => false,
        )),
      10_000,
      "the console to stop",
    );
  });
});
