// `llmlb node run` as a real process through bin/llmlb.mjs: help from any directory,
// exit codes scripts rely on, a clean exit on SIGINT/SIGTERM, and no secret in output.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeHub, startFakeHub } from "../fake-hub";
import { type LlmlbTestServer, startLlmlbServer } from "../helpers/llmlb-server";

const bin = path.resolve(__dirname, "../../bin/llmlb.mjs");
let tmp: string;
let hub: FakeHub;
let server: LlmlbTestServer;

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; at: number }>;
}

function run(args: string[], env: Record<string, string | undefined> = {}): Run {
  const base = { ...process.env };
  for (const k of ["LLMLB_URL", "LLMLB_API_KEY", "HF_TOKEN", "HF_ENDPOINT", "HF_HUB_CACHE", "LLMLB_NODE_NAME"])
    delete base[k];
  // A foreign working directory: the bin must not depend on being run from the project.
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: tmp,
    env: { ...base, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (d) => (text += d));
  child.stderr?.on("data", (d) => (text += d));
  const exit = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on("exit", (code) => resolve({ code, at: Date.now() })),
  );
  return { child, output: () => text, exit };
}

async function waitForOutput(r: Run, needle: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!r.output().includes(needle)) {
    if (Date.now() > deadline || r.child.exitCode !== null) throw new Error(`no "${needle}" in:\n${r.output()}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** Pids whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false; // exited meanwhile
      }
    });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "llmlb-cli-"));
  hub = await startFakeHub();
  server = await startLlmlbServer(hub.url);
});
afterAll(async () => {
  await server.close();
  await hub.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("llmlb node run (process)", () => {
  it("prints help with options and examples, from another working directory", async () => {
    const r = run(["node", "run", "--help"]);
    expect((await r.exit).code).toBe(0);
    for (const option of [
      "--url",
      "--api-key",
      "--hf-endpoint",
      "--cache-dir",
      "--name",
      "--formats",
      "--runtime",
      "--reserve-disk",
      "--poll-wait",
    ]) {
      expect(r.output()).toContain(option);
    }
    expect(r.output()).toContain("Examples:");
    expect(r.output()).not.toContain("--hf-token");
  });

  it("exits 6 with a clear message when LLMLB_API_KEY is missing", async () => {
    const r = run(["node", "run"]);
    expect((await r.exit).code).toBe(6);
    expect(r.output()).toMatch(/^llmlb: LLMLB_API_KEY is not set: create a node key/);
  });

  it("exits 1 on invalid settings and on an unknown option", async () => {
    const formats = run(["node", "run", "--formats", "gguf,pickle"], { LLMLB_API_KEY: "k" });
    expect((await formats.exit).code).toBe(1);
    expect(formats.output()).toContain('unknown format "pickle"');
    const usage = run(["node", "run", "--frobnicate"], { LLMLB_API_KEY: "k" });
    expect((await usage.exit).code).toBe(1);
  });

  it("exits 6 when the server rejects the key", async () => {
    const r = run(["node", "run", "--url", server.url], {
      LLMLB_API_KEY: "llmlb_wrong",
      HF_HUB_CACHE: path.join(tmp, "c0"),
    });
    expect((await r.exit).code).toBe(6);
    expect(r.output()).toContain("the server rejected LLMLB_API_KEY (401");
    expect(r.output()).not.toContain("llmlb_wrong");
  });

  it("stops with exit 0 within 2 s of SIGTERM mid-download, keeping the partial file; never prints secrets", async () => {
    hub.setThrottle(50_000);
    const cache = path.join(tmp, "c1");
    const r = run(["node", "run", "--formats", "gguf", "--name", "proc-node"], {
      LLMLB_URL: server.url,
      LLMLB_API_KEY: server.apiKey,
      HF_ENDPOINT: hub.url,
      HF_TOKEN: hub.token,
      HF_HUB_CACHE: cache,
    });
    try {
      await waitForOutput(r, '"event":"announced"');
      await server.register("acme/tiny-llama-GGUF", { quant: "F16" });
      await waitForOutput(r, '"event":"download.progress"');
      const sent = Date.now();
      r.child.kill("SIGTERM");
      const { code, at } = await r.exit;
      expect(code).toBe(0);
      expect(at - sent).toBeLessThan(2000);
      const blobs = path.join(cache, "models--acme--tiny-llama-GGUF", "blobs");
      expect(readdirSync(blobs).some((f) => f.endsWith(".incomplete"))).toBe(true);
      expect(r.output()).toContain('"event":"agent.stopped"');
      expect(r.output()).not.toContain(hub.token);
      expect(r.output()).not.toContain(server.apiKey);
    } finally {
      hub.setThrottle(null);
      r.child.kill("SIGKILL");
    }
  });

  it("never prints the password of a mirror's URL", async () => {
    const mirror = new URL(hub.url);
    mirror.username = "mirroruser";
    mirror.password = "s3cret%2Fpass";
    const r = run(["node", "run", "--name", "mirror-node"], {
      LLMLB_URL: server.url,
      LLMLB_API_KEY: server.apiKey,
      HF_ENDPOINT: mirror.href,
      HF_HUB_CACHE: path.join(tmp, "c-mirror"),
    });
    await waitForOutput(r, '"event":"announced"');
    r.child.kill("SIGINT");
    await r.exit;
    expect(r.output()).toContain("agent.starting");
    expect(r.output()).not.toContain("s3cret");
  });

  it("exits 0 on SIGINT while idle", async () => {
    const r = run(["node", "run", "--name", "idle-node"], {
      LLMLB_URL: server.url,
      LLMLB_API_KEY: server.apiKey,
      HF_ENDPOINT: hub.url,
      HF_HUB_CACHE: path.join(tmp, "c2"),
    });
    await waitForOutput(r, '"event":"announced"');
    r.child.kill("SIGINT");
    expect((await r.exit).code).toBe(0);
  });

  it("rebuilds its bundle when a source differs from its build, and keeps no build process running", async () => {
    const bundle = path.resolve(__dirname, "../../dist/cli/llmlb.mjs");
    const firstLine = () => readFileSync(bundle, "utf8").split("\n", 1)[0];
    // As if cli/index.ts had been a different file when the bundle was built.
    const stale = '// llmlb-cli-inputs {"cli/index.ts":"0:0"}';
    const code = readFileSync(bundle, "utf8");
    writeFileSync(bundle, `${stale}\n${code.slice(code.indexOf("\n") + 1)}`);
    const r = run(["node", "run", "--name", "rebuilt-node"], {
      LLMLB_URL: server.url,
      LLMLB_API_KEY: server.apiKey,
      HF_ENDPOINT: hub.url,
      HF_HUB_CACHE: path.join(tmp, "c3"),
    });
    try {
      await waitForOutput(r, '"event":"announced"');
      expect(firstLine()).not.toBe(stale);
      expect(firstLine()).toContain('"cli/index.ts":');
      expect(childrenOf(r.child.pid as number)).toEqual([]);
    } finally {
      r.child.kill("SIGKILL");
    }
  });
});
