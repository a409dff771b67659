// `llmlb model add --wait-ready` against a real `llmlb node run` agent syncing from the
// fake hub: it returns once the agent has the model ready, shows the nodes' progress,
// and at --timeout says what the nodes report. `model show`/`list` then reflect the node.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerResponseSchema } from "@/lib/api/model-schemas";
import { type FakeHub, startFakeHub } from "../fake-hub";
import { type RunningAgent, startAgent } from "../helpers/agent";
import { type LlmlbTestServer, startLlmlbServer } from "../helpers/llmlb-server";
import { runCli, runCliInTty } from "./run-cli";

let hub: FakeHub;
let server: LlmlbTestServer;
let agent: RunningAgent;
let tmp: string;
let admin: Record<string, string>;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "llmlb-cli-wait-"));
  hub = await startFakeHub();
  server = await startLlmlbServer(hub.url);
  admin = { LLMLB_URL: server.url, LLMLB_API_KEY: server.adminKey };
  agent = startAgent({
    serverUrl: server.url,
    apiKey: server.apiKey,
    hubUrl: hub.url,
    name: "node-a",
    cacheDir: path.join(tmp, "cache"),
    formats: "gguf,safetensors",
  });
  await agent.waitForEvent((e) => e.event === "announced");
});
afterAll(async () => {
  await agent?.stop();
  await server.close();
  await hub.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("llmlb model add --wait-ready", () => {
  it("returns once the agent has synced the model, with progress on stderr", async () => {
    // A slow hub keeps the download going for a few polls.
    hub.setThrottle(150_000);
    const r = await runCli(
      ["model", "add", "acme/tiny-llama-GGUF:Q4_K_M", "--wait-ready", "--timeout", "60s"],
      admin,
    ).finally(() => hub.setThrottle(null));
    expect(r.code, r.stderr).toBe(0);
    const name = "hf/acme/tiny-llama-GGUF/tiny-llama.Q4_K_M.gguf";
    expect(r.stdout).toContain(`Registered ${name}`);
    expect(r.stdout).toMatch(new RegExp(`${name.replaceAll(".", "\\.")} is ready on 1 of 1 node \\(\\d+s\\)\\n$`));
    // Piped: plain status lines, one per change.
    expect(r.stderr).toMatch(new RegExp(`^${name.replaceAll(".", "\\.")}: `, "m"));

    const list = await runCli(["model", "list"], admin);
    expect(list.stdout).toMatch(/tiny-llama\.Q4_K_M\.gguf\s+yes\s+ready\s+1\/1\s+300\.0 KB/);

    const show = await runCli(["model", "show", name], admin);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/ready\s+yes: 1 of 1 node \(sync ready\)/);
    expect(show.stdout).toMatch(
      /Nodes\n\s+NODE\s+ONLINE\s+STATE\s+VARIANT\s+PROGRESS\s+ERROR\n\s+node-a\s+yes\s+ready\s+gguf:Q4_K_M/,
    );
    const json = JSON.parse((await runCli(["model", "show", name, "--json"], admin)).stdout);
    expect(json.nodes).toEqual([
      expect.objectContaining({
        name: "node-a",
        online: true,
        model: expect.objectContaining({ state: "ready", variant: "gguf:Q4_K_M" }),
      }),
    ]);
  });

  it("with --json: the API's answer on stdout, JSON progress lines on stderr", async () => {
    const r = await runCli(["model", "add", "acme/tiny-safetensors", "--wait-ready", "--json"], admin);
    expect(r.code, r.stderr).toBe(0);
    expect(registerResponseSchema.parse(JSON.parse(r.stdout)).name).toBe("hf/acme/tiny-safetensors");
    const events = r.stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ event: "sync", model: "hf/acme/tiny-safetensors", online_nodes: 1 });
  });

  // util-linux `script` (Debian bsdutils, always installed) gives the CLI a real terminal.
  it("draws a live bar on a terminal", async () => {
    hub.setThrottle(100_000);
    const r = await runCliInTty(["model", "add", "acme/mixed-formats", "--wait-ready"], admin).finally(() =>
      hub.setThrottle(null),
    );
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/hf\/acme\/mixed-formats \[[#.]{24}\] /);
    expect(r.stdout).toContain("\r\x1b[2K");
    expect(r.stdout).toMatch(/hf\/acme\/mixed-formats is ready on 1 of 1 node/);
  });

  it("exits 5 at --timeout, saying what the nodes report", async () => {
    // No HF_TOKEN on the agent: the gated download fails and the node reports it.
    const r = await runCli(["model", "add", "acme/gated-model", "--wait-ready", "--timeout", "6s"], admin);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/^error: timed out after 6s: hf\/acme\/gated-model is registered but not ready yet/m);
    expect(r.stderr).toMatch(/^ {2}node-a: error gated: .*HF_TOKEN/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("reads a server from before the per-node download and error counts", async () => {
    // A proxy in front of the real server drops the two counts such a server did not send.
    const older = http.createServer(async (req, res) => {
      const upstream = await fetch(`${server.url}${req.url}`, {
        headers: { authorization: req.headers.authorization ?? "" },
      });
      const body = await upstream.json();
      if (req.url?.startsWith("/api/nodes") && upstream.ok) {
        for (const node of body.nodes) {
          delete node.models_downloading;
          delete node.models_error;
        }
      }
      res.writeHead(upstream.status, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => older.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(older.address() as AddressInfo).port}`;
      const show = await runCli(["model", "show", "hf/acme/tiny-llama-GGUF/tiny-llama.Q4_K_M.gguf"], {
        ...admin,
        LLMLB_URL: url,
      });
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/\n\s+node-a\s+yes\s+ready\s+gguf:Q4_K_M/);
    } finally {
      older.close();
    }
  });
});
