// Fit in the CLI (issue 14, docs/fit.md): `llmlb model add` says what a model needs in
// memory and on how many online nodes it fits; `llmlb model show [--context N]` lists each
// variant's need and the node × variant table, in text and --json. A real server (the
// route handlers over HTTP), the fake hub's Llama-3-8B-shaped GGUF repository with real
// headers (32 layers, 8 KV heads, head dim 128: 131,072 B of KV cache per token), and
// nodes announced through the API with hardware chosen so that each fits differently.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseContext } from "@/cli/commands/model-show";
import { fitReportSchema, registerResponseSchema } from "@/lib/api/model-schemas";
import { type FakeHub, startFakeHub } from "../fake-hub";
import { type LlmlbTestServer, startLlmlbServer } from "../helpers/llmlb-server";
import { type CliResult, runCli } from "./run-cli";

let hub: FakeHub;
let server: LlmlbTestServer;
let admin: Record<string, string>;
let reader: Record<string, string>;

const REPO = "acme/shape-llama-GGUF";
const NAME = `hf/${REPO}`;
const Q4 = "gguf:Q4_K_M";
const Q8 = "gguf:Q8_0";

// The fixture's figures (tests/fake-hub/shape-repos.ts), and the need rule of lib/api/memory-need.ts:
// weights + KV cache (131,072 B × tokens) + overhead (10% of the weights, at least 512 MiB).
const KV_PER_TOKEN = 2 * 32 * 8 * 128 * 2;
const Q4_WEIGHTS = 4_662_270_688;
const Q8_WEIGHTS = 8_541_829_856;
const need = (weights: number, context: number) =>
  weights + KV_PER_TOKEN * context + Math.max(512 * 1024 * 1024, Math.round(weights * 0.1));

/**
 * Needs at 8k: Q4_K_M 6.3 GB, Q8_0 10.5 GB; at 128k: 22.4 GB and 26.6 GB.
 *   gpu-24g  one 24 GB GPU, 16 GB RAM: both on 1 GPU at 8k; at 128k Q8_0 is too large
 *   dual-8g  two 8 GB GPUs, 64 GB RAM: Q4_K_M on 1 GPU, Q8_0 split over 2; RAM only at 128k
 *   cpu-8g   no GPU, 8 GB RAM: Q4_K_M in RAM only, Q8_0 too large; nothing at 128k
 *   st-only  runs safetensors only: no GGUF variant is for it
 */
const nodes = [
  { name: "gpu-24g", formats: ["gguf"], gpus: [{ name: "RTX 4090", memory_bytes: 24e9 }], memory_bytes: 16e9 },
  {
    name: "dual-8g",
    formats: ["gguf", "safetensors"],
    gpus: [
      { name: "RTX 4060", memory_bytes: 8e9 },
      { name: "RTX 4060", memory_bytes: 8e9 },
    ],
    memory_bytes: 64e9,
  },
  { name: "cpu-8g", formats: ["gguf"], gpus: [], memory_bytes: 8e9 },
  { name: "st-only", formats: ["safetensors"], gpus: [], memory_bytes: 32e9 },
];

beforeAll(async () => {
  hub = await startFakeHub();
  server = await startLlmlbServer(hub.url);
  admin = { LLMLB_URL: server.url, LLMLB_API_KEY: server.adminKey };
  reader = { LLMLB_URL: server.url, LLMLB_API_KEY: await server.createKey("reader") };
});
afterAll(async () => {
  await server?.close();
  await hub?.close();
});

const llmlb = (args: string[], env: Record<string, string | undefined> = admin) =>
  runCli(args, env, { timeoutMs: 120_000 });

function expectExit(r: CliResult, code: number, message?: string) {
  expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  if (message) {
    expect(r.stderr).toMatch(/^error: /m);
    expect(r.stderr).toContain(message);
  }
}

/** The lines of a section of `model show`: from its title to the next blank line. */
function section(out: string, title: string): string[] {
  const start = out.indexOf(`\n${title}\n`);
  expect(start, `no "${title}" in:\n${out}`).toBeGreaterThanOrEqual(0);
  return (out.slice(start + 1).split("\n\n")[0] ?? "").split("\n").filter(Boolean);
}

/** A row of a table by its first cell, split into cells (two spaces or more apart). */
function row(lines: string[], first: string): string[] {
  const line = lines.find((l) => l.trim().split(/\s{2,}/)[0] === first);
  expect(line, `no row ${first} in:\n${lines.join("\n")}`).toBeDefined();
  return line?.trim().split(/\s{2,}/) ?? [];
}

async function announce(node: (typeof nodes)[number]) {
  const res = await fetch(`${server.url}/api/nodes`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ ...node, runtimes: ["llama.cpp"], free_disk_bytes: 500e9, agent_version: "test" }),
  });
  // Created (201), or heard from again (200).
  expect([200, 201], await res.text()).toContain(res.status);
}

describe("llmlb model add: the need and the fit in the summary", () => {
  it("with no node online, says so beside the need", async () => {
    const r = await llmlb(["model", "add", `${REPO}:Q8_0`]);
    expectExit(r, 0);
    expect(r.stdout).toContain(
      "Needs: 10.5 GB at 8k context (gguf:Q8_0: 8.5 GB weights + 1.1 GB KV cache + 854.2 MB overhead)\n",
    );
    expect(r.stdout).toContain("No node online to compare with\n");
    expect(r.stdout).not.toContain("Fits:");
    const name = /^Registered (\S+)$/m.exec(r.stdout)?.[1] ?? "";
    expectExit(await llmlb(["model", "rm", name, "--yes"]), 0);
  });

  it("counts the online nodes it fits on", { timeout: 120_000 }, async () => {
    for (const node of nodes) await announce(node);
    const r = await llmlb(["model", "add", REPO]);
    expectExit(r, 0);
    expect(r.stdout).toContain(`Registered ${NAME}`);
    // The smallest complete variant's need, in its parts; 512 MiB is the overhead's floor.
    expect(r.stdout).toContain(
      "\nNeeds: 6.3 GB at 8k context (gguf:Q4_K_M: 4.7 GB weights + 1.1 GB KV cache + 512 MiB overhead)\n" +
        "Fits: 3 of 4 online nodes\n",
    );
    expect(r.stderr).toBe("");
  });

  it("--json prints the registration answer, fit included", { timeout: 120_000 }, async () => {
    for (const node of nodes) await announce(node);
    expectExit(await llmlb(["model", "rm", NAME, "--yes"]), 0);
    const r = await llmlb(["model", "add", REPO, "--json"]);
    expectExit(r, 0);
    const body = registerResponseSchema.parse(JSON.parse(r.stdout));
    expect(body.fit).toMatchObject({
      context: 8192,
      nodes: 4,
      fitting_nodes: 3,
      smallest_need: { variant: Q4, bytes: need(Q4_WEIGHTS, 8192) },
      unknown_reason: null,
      warning: null,
    });
    const byNode = Object.fromEntries((body.fit?.details ?? []).map((d) => [d.node, d]));
    expect(byNode["dual-8g"]?.variants).toEqual([
      { variant: Q4, fit: "gpu", gpus: 1, need_bytes: need(Q4_WEIGHTS, 8192), available_bytes: 8e9 },
      { variant: Q8, fit: "gpu_split", gpus: 2, need_bytes: need(Q8_WEIGHTS, 8192), available_bytes: 16e9 },
    ]);
    expect(byNode["st-only"]).toMatchObject({ fits: false });
    const q4 = body.model.variants.find((v) => v.name === Q4);
    expect(q4?.memory).toMatchObject({
      architecture: "llama",
      parameters: 8_030_261_248,
      dtype: "Q4_K_M",
      context_length: 131072,
      kv_bytes_per_token: KV_PER_TOKEN,
      weight_bytes: Q4_WEIGHTS,
      need: { context: 8192, kv_cache_bytes: 1024 ** 3, overhead_bytes: 512 * 1024 ** 2 },
    });
  });
});

describe("llmlb model add: when the need is unknown, or too large for every node", () => {
  it("says why the fit is unknown (no readable header), and show says so too", async () => {
    const r = await llmlb(["model", "add", "acme/tiny-llama-GGUF"]);
    expectExit(r, 0);
    expect(r.stdout).not.toContain("Needs:");
    expect(r.stdout).toMatch(/\nFit unknown: tiny-llama\.\S+\.gguf has no readable GGUF header.*\n/);
    const show = await llmlb(["model", "show", "acme/tiny-llama-GGUF"], reader);
    expectExit(show, 0);
    // No table of "unknown" cells: the one reason says it all.
    expect(section(show.stdout, "Fit at 8k context")).toEqual([
      "Fit at 8k context",
      expect.stringMatching(/^ {2}Fit unknown: tiny-llama\.\S+\.gguf has no readable GGUF header/),
    ]);
    expect(section(show.stdout, "Memory at 8k context")).toContainEqual(
      expect.stringMatching(/^ {2}gguf:Q4_K_M\s+-\s+Q4_K_M\s+300\.0 KB\s+-\s+-\s+unknown$/),
    );
  });

  it("warns once when no online node can hold it", { timeout: 120_000 }, async () => {
    for (const node of nodes) await announce(node);
    const r = await llmlb(["model", "add", "acme/shape-30-shards"]);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/\nNeeds: \d+\.\d GB at 4k context \(safetensors\S*: /);
    expect(r.stdout).toContain("\nFits: 0 of 4 online nodes\n");
    expect(r.stderr.match(/no online node can hold it/g)).toHaveLength(1);
  });
});

describe("llmlb model show: variant needs and the node × variant table", () => {
  // A node unheard of for 15 s is offline: on a loaded machine the tests above can take longer.
  beforeEach(async () => {
    for (const node of nodes) await announce(node);
  });

  it("at the model's default context (8k)", async () => {
    const r = await llmlb(["model", "show", REPO], reader);
    expectExit(r, 0);
    const memory = section(r.stdout, "Memory at 8k context");
    expect(memory[1]).toMatch(/^\s+VARIANT\s+PARAMS\s+DTYPE\s+WEIGHTS\s+KV\/TOKEN\s+KV CACHE\s+NEED$/);
    expect(row(memory, Q4)).toEqual([Q4, "8.0B", "Q4_K_M", "4.7 GB", "131.1 KB", "1.1 GB", "6.3 GB"]);
    expect(row(memory, Q8)).toEqual([Q8, "8.0B", "Q8_0", "8.5 GB", "131.1 KB", "1.1 GB", "10.5 GB"]);

    const fit = section(r.stdout, "Fit at 8k context");
    expect(fit[1]).toBe("  Fits: 3 of 4 online nodes");
    expect(fit[2]).toMatch(/^\s+NODE\s+gguf:Q4_K_M\s+gguf:Q8_0$/);
    expect(row(fit, "gpu-24g")).toEqual(["gpu-24g", "1 GPU", "1 GPU"]);
    expect(row(fit, "dual-8g")).toEqual(["dual-8g", "1 GPU", "2 GPUs (split)"]);
    expect(row(fit, "cpu-8g")).toEqual(["cpu-8g", "RAM only", "too large (needs 10.5 GB, has 8.0 GB)"]);
    expect(row(fit, "st-only")).toEqual(["st-only", "format not loaded", "format not loaded"]);
    // Columns line up under their headers.
    const at = fit[2]?.indexOf(Q8) ?? -1;
    for (const line of fit.slice(3)) expect(line[at - 1]).toBe(" ");

    const json = await llmlb(["model", "show", REPO, "--json"], reader);
    expectExit(json, 0);
    const body = JSON.parse(json.stdout);
    expect(Object.keys(body)).toEqual(["model", "v1", "nodes", "fit"]);
    const report = fitReportSchema.parse(body.fit);
    expect(report).toMatchObject({ context: 8192, nodes: 4, fitting_nodes: 3 });
  });

  it("--context 128k: the bigger KV cache, and another fit", async () => {
    const r = await llmlb(["model", "show", NAME, "--context", "128k"], reader);
    expectExit(r, 0);
    const memory = section(r.stdout, "Memory at 128k context");
    // 16 GiB of KV cache at 131,072 tokens.
    expect(row(memory, Q4)).toEqual([Q4, "8.0B", "Q4_K_M", "4.7 GB", "131.1 KB", "17.2 GB", "22.4 GB"]);
    expect(row(memory, Q8)).toEqual([Q8, "8.0B", "Q8_0", "8.5 GB", "131.1 KB", "17.2 GB", "26.6 GB"]);

    const fit = section(r.stdout, "Fit at 128k context");
    expect(fit[1]).toBe("  Fits: 2 of 4 online nodes");
    expect(row(fit, "gpu-24g")).toEqual(["gpu-24g", "1 GPU", "too large (needs 26.6 GB, has 24.0 GB)"]);
    expect(row(fit, "dual-8g")).toEqual(["dual-8g", "RAM only", "RAM only"]);
    expect(row(fit, "cpu-8g")).toEqual([
      "cpu-8g",
      "too large (needs 22.4 GB, has 8.0 GB)",
      "too large (needs 26.6 GB, has 8.0 GB)",
    ]);

    const [json, plain] = await Promise.all([
      llmlb(["model", "show", NAME, "--context", "131072", "--json"], reader),
      llmlb(["model", "show", NAME, "--context", "32K", "--json"], reader),
    ]);
    expectExit(json, 0);
    const report = fitReportSchema.parse(JSON.parse(json.stdout).fit);
    expect(report).toMatchObject({ context: 131072, fitting_nodes: 2 });
    expect(report.smallest_need).toEqual({ variant: Q4, bytes: need(Q4_WEIGHTS, 131072) });
    expectExit(plain, 0);
    expect(fitReportSchema.parse(JSON.parse(plain.stdout).fit).context).toBe(32 * 1024);
  });

  it("--context reads tokens, k being 1,024 of them, up to the server's 10,000,000", () => {
    expect(parseContext("8192")).toBe(8192);
    expect(parseContext("8k")).toBe(8192);
    expect(parseContext(" 128K ")).toBe(131072);
    expect(parseContext("10000000")).toBe(10_000_000);
    for (const bad of ["9766k", "10000001", "1e4", "8 kb", "0k", "0x20"]) {
      expect(() => parseContext(bad), bad).toThrow(/^--context must be a number of tokens/);
    }
  });

  it("a bad --context is a usage error naming the flag, before any request", async () => {
    const results = await Promise.all(
      ["abc", "0", "8m", "12.5k", "-1", "99999999k", ""].map((value) =>
        llmlb(["model", "show", NAME, "--context", value], { LLMLB_URL: "http://127.0.0.1:9", LLMLB_API_KEY: "k" }),
      ),
    );
    for (const r of results) expectExit(r, 1, "--context must be a number of tokens");
    expect(results[0]?.stderr).toContain("like 8192, 8k or 128k");
  });
});
