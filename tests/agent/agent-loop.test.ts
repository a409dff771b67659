// The agent's loops in-process against a stand-in server and the fake hub: sync to
// ready, unsupported / gated / disk_full states, deletion, restart without re-download,
// a forgotten node, a server outage, and a prompt shutdown that keeps partial files.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { insertModel } from "@/lib/db/queries/models";
import { createReporter } from "../../cli/agent/output/progress";
import { runAgent } from "../../cli/agent/run-agent";
import { type NodeRunFlags, resolveNodeRunConfig } from "../../cli/lib/config";
import { type FakeHub, startFakeHub } from "../fake-hub";
import { type LlmlbTestServer, startLlmlbServer } from "../helpers/llmlb-server";
import { callJson } from "../helpers/routes";

type Event = Record<string, any>;
let hub: FakeHub;
let server: LlmlbTestServer;
let tmp: string;
const running: { stop: () => Promise<void> }[] = [];

beforeAll(async () => {
  hub = await startFakeHub();
  tmp = mkdtempSync(path.join(os.tmpdir(), "llmlb-agent-loop-"));
});
beforeEach(async () => {
  server = await startLlmlbServer(hub.url);
  hub.clearRequests();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.stop()));
  await server.close();
  hub.setThrottle(null);
});
afterAll(async () => {
  await hub.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function until<T>(check: () => T | undefined | null | false, label: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function startAgent(name: string, flags: NodeRunFlags = {}, env: Record<string, string> = {}) {
  const events: Event[] = [];
  const out = {
    isTTY: false,
    write(text: string) {
      for (const line of text.split("\n")) if (line) events.push(JSON.parse(line));
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  const cacheDir = flags.cacheDir ?? path.join(tmp, `cache-${name}`);
  const config = resolveNodeRunConfig(
    { url: server.url, apiKey: server.apiKey, hfEndpoint: hub.url, cacheDir, name, pollWait: "2", ...flags },
    env,
  );
  const reporter = createReporter({ out, tty: false, secrets: [config.apiKey, config.hfToken] });
  const controller = new AbortController();
  const done = runAgent(config, reporter, controller.signal);
  const agent = {
    events,
    cacheDir,
    done,
    event: (pred: (e: Event) => boolean, label: string, ms?: number) => until(() => events.find(pred), label, ms),
    stop: async () => {
      controller.abort();
      await done;
    },
  };
  running.push(agent);
  return agent;
}

const synced = (node: string, model: string) => server.syncs.get(node)?.models.find((m) => m.name === model);
const repoDir = (cache: string, repo: string) => path.join(cache, `models--${repo.replace("/", "--")}`);
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("node agent loops", () => {
  it("announces, syncs a registered model to ready in the HF cache, and reports it", async () => {
    const agent = startAgent("n-ready", { formats: "gguf" });
    await agent.event((e) => e.event === "announced", "announce");
    expect(server.announces[0]?.body).toMatchObject({
      name: "n-ready",
      formats: ["gguf"],
      runtimes: ["llama.cpp"],
      agent_version: "0.1.0",
      memory_bytes: os.totalmem(),
    });
    const name = await server.register("acme/tiny-llama-GGUF", { quant: "Q4_K_M" });
    await agent.event((e) => e.event === "model.ready" && e.model === name, "ready");
    await until(() => synced("n-ready", name)?.state === "ready", "a ready heartbeat");
    expect(synced("n-ready", name)).toMatchObject({ state: "ready", variant: "gguf:Q4_K_M" });

    const dir = repoDir(agent.cacheDir, "acme/tiny-llama-GGUF");
    const info = hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf");
    expect(sha256(path.join(dir, "snapshots", info?.commit ?? "", "tiny-llama.Q4_K_M.gguf"))).toBe(info?.sha256);
    expect(readFileSync(path.join(dir, "refs", "main"), "utf8")).toBe(info?.commit);
    // The state names the commit it is about, so a stale report of another commit counts for nothing.
    expect(synced("n-ready", name)?.commit).toBe(info?.commit);
    const state = JSON.parse(readFileSync(path.join(agent.cacheDir, ".llmlb", "agent-n-ready.json"), "utf8"));
    expect(state.models[name]).toMatchObject({ repo: "acme/tiny-llama-GGUF", variant: "gguf:Q4_K_M", ready: true });
    // The manifest's own `url`s point at a host that does not exist: downloads ignore them.
    expect(hub.requests.every((r) => !r.host.includes("invalid"))).toBe(true);
  });

  it("reports downloading with bytes while a file streams, then ready", async () => {
    // Slow enough that a 5 s heartbeat lands mid-transfer.
    hub.setThrottle(100_000);
    const agent = startAgent("n-progress", { formats: "gguf" });
    const name = await server.register("acme/tiny-llama-GGUF", { quant: "F16" });
    const busy = await until(() => {
      const m = synced("n-progress", name);
      return m?.state === "downloading" && (m.bytes_done ?? 0) > 0 ? m : undefined;
    }, "a downloading heartbeat");
    expect(busy.bytes_total).toBe(900000);
    expect(busy.commit).toBe(hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.F16.gguf")?.commit);
    await agent.event((e) => e.event === "download.progress" && e.model === name, "a progress line");
    await agent.event((e) => e.event === "model.ready" && e.model === name, "ready", 30_000);
  });

  it("marks a model with no loadable variant unsupported, listing what it offers", async () => {
    const agent = startAgent("n-unsupported", { formats: "gguf" });
    const name = await server.register("acme/tiny-onnx");
    await agent.event((e) => e.event === "model.unsupported", "unsupported");
    await until(() => synced("n-unsupported", name)?.state === "unsupported", "an unsupported heartbeat");
    expect(synced("n-unsupported", name)?.error?.message).toBe(
      "no complete variant in a format this node loads (gguf); the model offers onnx",
    );
  });

  it("keeps heartbeating when a model offers dozens of variants it cannot load", async () => {
    const agent = startAgent("n-metal", { formats: "metal" });
    const many = await server.register("acme/sixty-quants-GGUF");
    const metal = await server.register("acme/tiny-metal");
    await agent.event((e) => e.event === "model.ready" && e.model === metal, "the metal model ready", 30_000);
    const entry = await until(() => synced("n-metal", many)?.error, "an accepted heartbeat naming the GGUF repo");
    // Sixty quantizations of one format: the reason names the format once.
    expect(entry.message).toBe("no complete variant in a format this node loads (metal); the model offers gguf");
    await until(() => synced("n-metal", metal)?.state === "ready", "a heartbeat with the metal model ready");
    expect(agent.events.filter((e) => e.event === "server.rejected")).toEqual([]);
  });

  it("logs once what the server refused, and keeps heartbeating", async () => {
    // A registration an older server stored without checking the Hub's commit.
    const broken = await insertModel({
      actor: "test",
      values: {
        name: "hf/acme/stored-long-ago",
        repo: "acme/stored-long-ago",
        revision: "main",
        commit: "not-a-commit",
        displayName: "stored long ago",
        sizeBytes: 1,
        variants: [],
        artifacts: [],
      },
    });
    const agent = startAgent("n-refused", { formats: "safetensors" });
    const good = await server.register("acme/tiny-safetensors");
    await until(() => synced("n-refused", good)?.state === "ready", "the good model ready");
    const heartbeats = () => agent.events.filter((e) => e.event === "sync.refused");
    await agent.event((e) => e.event === "sync.refused", "a refusal logged");
    const seen = (await callJson("GET", "/api/nodes", { key: server.adminKey })).body.nodes[0];
    expect(seen.online).toBe(true);
    expect(seen.models.find((m: { name: string }) => m.name === broken.model.name)).toMatchObject({
      state: "error",
      error: { code: "invalid_report" },
    });
    // Several more heartbeats later, still one line.
    const before = server.syncCount("n-refused");
    await until(() => server.syncCount("n-refused") >= before + 2, "two more heartbeats", 30_000);
    expect(heartbeats()).toHaveLength(1);
    expect(heartbeats()[0]).toMatchObject({ model: broken.model.name, reason: expect.stringContaining("commit") });
  });

  it("reports gated without HF_TOKEN and disk_full when the variant does not fit", async () => {
    startAgent("n-gated", { formats: "safetensors" });
    const gated = await server.register("acme/gated-model");
    const state = await until(() => synced("n-gated", gated)?.error, "a gated error");
    expect(state).toMatchObject({ code: "gated", message: expect.stringContaining("HF_TOKEN") });

    const full = startAgent("n-full", { formats: "gguf", reserveDisk: String(2 ** 52) });
    const name = await server.register("acme/tiny-llama-GGUF", { quant: "Q8_0" });
    const err = await until(() => synced("n-full", name)?.error, "a disk_full error");
    expect(err.code).toBe("disk_full");
    expect(err.message).toMatch(/needs 488\.3 KiB \(500000 bytes\) more but only 0 B \(0 bytes\) is available/);
    expect(existsSync(path.join(repoDir(full.cacheDir, "acme/tiny-llama-GGUF"), "blobs"))).toBe(true);
    expect(readdirSync(path.join(repoDir(full.cacheDir, "acme/tiny-llama-GGUF"), "blobs"))).toEqual([]);
  });

  it("removes a deleted model from the cache and from its heartbeat", async () => {
    const agent = startAgent("n-delete", { formats: "gguf" });
    const name = await server.register("acme/tiny-llama-GGUF", { quant: "Q4_K_M" });
    await until(() => synced("n-delete", name)?.state === "ready", "ready");
    await server.remove(name);
    await agent.event((e) => e.event === "model.removed" && e.model === name, "removed");
    expect(existsSync(repoDir(agent.cacheDir, "acme/tiny-llama-GGUF"))).toBe(false);
    await until(() => server.syncs.get("n-delete")?.models.length === 0, "an empty heartbeat");
  });

  it("after a restart reports ready models without downloading, and drops those deleted meanwhile", async () => {
    const cacheDir = path.join(tmp, "cache-restart");
    const first = startAgent("n-restart", { formats: "gguf", cacheDir });
    const keep = await server.register("acme/tiny-llama-GGUF", { quant: "Q4_K_M" });
    const drop = await server.register("acme/big-model-GGUF", { quant: "Q2_K" });
    await until(
      () => synced("n-restart", keep)?.state === "ready" && synced("n-restart", drop)?.state === "ready",
      "both",
    );
    await first.stop();

    await server.remove(drop);
    hub.clearRequests();
    server.syncs.clear();
    const second = startAgent("n-restart", { formats: "gguf", cacheDir });
    const restored = await second.event((e) => e.event === "model.ready" && e.model === keep, "restored");
    expect(restored.restored).toBe(true);
    await second.event((e) => e.event === "model.removed" && e.model === drop, "removed while down");
    expect(existsSync(repoDir(cacheDir, "acme/big-model-GGUF"))).toBe(false);
    await until(() => synced("n-restart", keep)?.state === "ready", "a ready heartbeat");
    expect(hub.requests).toEqual([]);
  });

  it("announces again when the server forgets the node, and rides out a server outage", async () => {
    const agent = startAgent("n-outage", { formats: "gguf" });
    await agent.event((e) => e.event === "announced", "announce");
    await server.forgetNodes();
    await until(() => server.announces.length === 2, "a second announce");
    expect(server.announces[1]?.body).toMatchObject({ name: "n-outage" });

    server.setDown(true);
    await agent.event((e) => e.event === "server.unreachable", "unreachable");
    server.setDown(false);
    await agent.event((e) => e.event === "server.reachable", "reachable", 20_000);
    const name = await server.register("acme/tiny-llama-GGUF", { quant: "Q4_K_M" });
    await until(() => synced("n-outage", name)?.state === "ready", "ready after the outage", 20_000);
  });

  it("stops promptly on abort, keeping the partial file for the next run", async () => {
    hub.setThrottle(100_000);
    const agent = startAgent("n-stop", { formats: "gguf" });
    await server.register("acme/tiny-llama-GGUF", { quant: "F16" });
    await agent.event((e) => e.event === "download.start", "download start");
    const blobs = path.join(repoDir(agent.cacheDir, "acme/tiny-llama-GGUF"), "blobs");
    await until(() => readdirSync(blobs).some((f) => f.endsWith(".incomplete")), "a partial file");
    const started = Date.now();
    await agent.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(readdirSync(blobs).filter((f) => f.endsWith(".incomplete")).length).toBe(1);
    expect(JSON.stringify(agent.events)).not.toContain(server.apiKey);
  });
});

describe("one bad file hurts only itself", () => {
  const sha256Of = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

  it("reports ready only with weights that match the manifest, whatever ETags a mirror sends", async () => {
    const weights = hub.getFile("acme/mixed-formats", "model.safetensors");
    // The small files' answers claim to be the weights.
    hub.setEtag("acme/mixed-formats", "config.json", weights?.sha256 ?? null);
    hub.setEtag("acme/mixed-formats", "tokenizer.json", weights?.sha256 ?? null);
    try {
      const agent = startAgent("n-etag", { formats: "safetensors" });
      const name = await server.register("acme/mixed-formats");
      await until(() => synced("n-etag", name)?.state === "ready", "ready");
      const snapshot = path.join(repoDir(agent.cacheDir, "acme/mixed-formats"), "snapshots", weights?.commit ?? "");
      for (const file of ["model.safetensors", "config.json", "tokenizer.json"]) {
        expect(sha256Of(path.join(snapshot, file))).toBe(hub.getFile("acme/mixed-formats", file)?.sha256);
      }
    } finally {
      hub.setEtag("acme/mixed-formats", "config.json", null);
      hub.setEtag("acme/mixed-formats", "tokenizer.json", null);
    }
  });

  it("does not report ready a model whose small files a mirror changed", async () => {
    hub.setCorrupt("acme/tiny-safetensors", "tokenizer.json", true);
    try {
      startAgent("n-tamper", { formats: "safetensors" });
      const name = await server.register("acme/tiny-safetensors");
      const error = await until(() => synced("n-tamper", name)?.error, "an error");
      expect(error).toMatchObject({ code: "checksum_mismatch", message: expect.stringContaining("tokenizer.json") });
    } finally {
      hub.setCorrupt("acme/tiny-safetensors", "tokenizer.json", false);
    }
  });

  it("after a restart checks blobs against their names: a changed one is downloaded again", async () => {
    const cacheDir = path.join(tmp, "cache-verify");
    const first = startAgent("n-verify", { formats: "gguf", cacheDir });
    const name = await server.register("acme/tiny-llama-GGUF", { quant: "Q4_K_M" });
    await until(() => synced("n-verify", name)?.state === "ready", "ready");
    await first.stop();

    const info = hub.getFile("acme/tiny-llama-GGUF", "tiny-llama.Q4_K_M.gguf");
    const blob = path.join(repoDir(cacheDir, "acme/tiny-llama-GGUF"), "blobs", info?.sha256 ?? "");
    writeFileSync(blob, Buffer.alloc(info?.size ?? 0, 7)); // the same size, other bytes
    hub.clearRequests();
    server.syncs.clear();
    startAgent("n-verify", { formats: "gguf", cacheDir });
    await until(() => synced("n-verify", name)?.state === "ready", "ready again");
    expect(sha256Of(blob)).toBe(info?.sha256);
    expect(hub.requests.some((r) => r.path.includes(info?.sha256 ?? "-"))).toBe(true);
  });

  it("after a restart without its state file reads each blob once, and downloads nothing intact", async () => {
    const cacheDir = path.join(tmp, "cache-no-state");
    const first = startAgent("n-no-state", { formats: "gguf", cacheDir });
    const name = await server.register("acme/tiny-llama-GGUF", { quant: "Q8_0" });
    await until(() => synced("n-no-state", name)?.state === "ready", "ready");
    await first.stop();
    rmSync(path.join(cacheDir, ".llmlb"), { recursive: true, force: true });
    hub.clearRequests();
    server.syncs.clear();
    startAgent("n-no-state", { formats: "gguf", cacheDir });
    await until(() => synced("n-no-state", name)?.state === "ready", "ready again");
    expect(hub.requests).toEqual([]);
  });

  it("a stalled file holds back no other model", async () => {
    hub.setFileFault("acme/tiny-llama-GGUF", "tiny-llama.F16.gguf", "stall");
    try {
      const agent = startAgent("n-stall", { formats: "gguf" });
      const stalled = await server.register("acme/tiny-llama-GGUF", { quant: "F16" });
      await agent.event((e) => e.event === "download.start" && e.model === stalled, "the stalled download");
      const other = await server.register("acme/unicode-gguf");
      await until(() => synced("n-stall", other)?.state === "ready", "the other model ready");
      expect(synced("n-stall", stalled)?.state).not.toBe("ready");
    } finally {
      hub.setFileFault("acme/tiny-llama-GGUF", "tiny-llama.F16.gguf", null);
    }
  });

  it("a model whose files all drip leaves a slot for the model queued after it", async () => {
    const shards = [1, 2, 3].map((i) => `Q4_K_M/big-model-Q4_K_M-0000${i}-of-00003.gguf`);
    for (const shard of shards) hub.setFileFault("acme/big-model-GGUF", shard, "drip");
    try {
      const agent = startAgent("n-drip", { formats: "gguf" });
      const dripping = await server.register("acme/big-model-GGUF", { quant: "Q4_K_M" });
      await agent.event((e) => e.event === "download.start" && e.model === dripping, "the dripping download");
      const other = await server.register("acme/unicode-gguf");
      await until(() => synced("n-drip", other)?.state === "ready", "the other model ready");
      expect(synced("n-drip", dripping)?.state).not.toBe("ready");
    } finally {
      for (const shard of shards) hub.setFileFault("acme/big-model-GGUF", shard, null);
    }
  });

  it("a failing file waits for its retry out of line, then succeeds", async () => {
    hub.setFileFault("acme/big-model-GGUF", "big-model-Q2_K.gguf", "unavailable");
    const agent = startAgent("n-retry", { formats: "gguf" });
    const failing = await server.register("acme/big-model-GGUF", { quant: "Q2_K" });
    await agent.event((e) => e.event === "download.retry" && e.model === failing, "a retry planned");
    const other = await server.register("acme/tiny-llama-GGUF", { quant: "Q4_K_M" });
    await until(() => synced("n-retry", other)?.state === "ready", "the other model ready");
    expect(synced("n-retry", failing)?.state).not.toBe("ready");
    hub.setFileFault("acme/big-model-GGUF", "big-model-Q2_K.gguf", null);
    await until(() => synced("n-retry", failing)?.state === "ready", "the failing model ready once served", 40_000);
  });
});
