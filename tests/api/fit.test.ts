// Fit (docs/fit.md): at registration the server reads config.json and the weight files'
// headers (never the weights), stores what each variant needs, and says where it fits on the
// online nodes; against the real route handlers, database and fake hub, whose files carry
// real GGUF and safetensors headers and whose request log has the bytes served.
import { beforeAll, describe, expect, it } from "vitest";
import type { VariantMemoryDoc } from "@/lib/api/node-schemas";
import { ggufFile, llamaGgufTensors, str, strings, tokenRun } from "../fake-hub/weight-headers";
import { adminKey, startHubForFile } from "../helpers/env";
import { callJson } from "../helpers/routes";

const hub = startHubForFile();

const GB = 1e9;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
// Llama 3 8B: keys and values × 32 layers × 8 KV heads × head dimension 128 × 2 bytes (f16).
const llamaKvPerToken = 2 * 32 * 8 * 128 * 2;
// Mistral 7B: the same attention shape.
const mistralKvPerToken = 2 * 32 * 8 * 128 * 2;
const overhead = (weights: number) => Math.max(512 * MiB, Math.round(weights * 0.1));

let nodeKey: string;
let readerKey: string;
beforeAll(async () => {
  const mk = async (scope: string) =>
    (await callJson("POST", "/api/keys", { key: adminKey, json: { name: `${scope}-key`, scope } })).body.key as string;
  nodeKey = await mk("node");
  readerKey = await mk("reader");
});

type Memory = VariantMemoryDoc;
type Variant = { name: string; format: string; complete: boolean; memory: Memory };

const register = async (repo: string) => {
  const res = await callJson("POST", "/api/models/register", { key: adminKey, json: { repo } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const variantsOf = (body: { model: { variants: Variant[] } }) =>
  Object.fromEntries(body.model.variants.map((v) => [v.name, v]));
/**
 * Bytes the server's header reads took from the hub and its CDN, per file: an LFS file's
 * bytes come from the CDN under its sha256, a small file's from the resolve cache.
 */
const serverReadBytes = (artifacts: { filename: string; sha256: string | null }[]) => {
  const bySha = new Map(artifacts.filter((a) => a.sha256).map((a) => [a.sha256 as string, a.filename]));
  const perFile = new Map<string, number>();
  for (const r of hub().requests) {
    if (!r.userAgent?.startsWith("llmlb-server/") || r.bytes === 0) continue;
    const path = decodeURIComponent(r.path.split("?")[0] ?? "");
    const sha = /\/repos\/[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f]{64})$/.exec(path)?.[1];
    const small = /^\/api\/resolve-cache\/models\/[^/]+\/[^/]+\/[0-9a-f]{40}\/(.+)$/.exec(path)?.[1];
    const file = (sha && bySha.get(sha)) ?? small ?? path;
    perFile.set(file, (perFile.get(file) ?? 0) + r.bytes);
  }
  return perFile;
};
const announce = async (name: string, hardware: Record<string, unknown>) => {
  const res = await callJson("POST", "/api/nodes", {
    key: nodeKey,
    json: { name, runtimes: ["llama.cpp"], formats: ["gguf", "safetensors"], ...hardware },
  });
  expect([200, 201]).toContain(res.status);
};

describe("what a model needs, read from its headers", () => {
  it("a GGUF repository: Llama 3 8B's shape from one header, for every quantization; headers only", async () => {
    hub().clearRequests();
    const body = await register("acme/shape-llama-GGUF");
    const v = variantsOf(body);
    const q4 = v["gguf:Q4_K_M"].memory;
    const q8 = v["gguf:Q8_0"].memory;
    const sizes = Object.fromEntries(
      body.model.artifacts.map((a: { filename: string; size_bytes: number }) => [a.filename, a.size_bytes]),
    );
    expect(q4).toEqual({
      architecture: "llama",
      // 32 × (4·4096² /4 … ) worked out in tests/fake-hub-headers.test.ts: 8,030,261,248.
      parameters: 8_030_261_248,
      dtype: "Q4_K_M",
      context_length: 131072,
      kv_bytes_per_token: llamaKvPerToken,
      weight_bytes: sizes["shape-llama-Q4_K_M.gguf"],
      need: {
        context: 8192,
        kv_cache_bytes: GiB,
        overhead_bytes: overhead(sizes["shape-llama-Q4_K_M.gguf"]),
        total_bytes: sizes["shape-llama-Q4_K_M.gguf"] + GiB + overhead(sizes["shape-llama-Q4_K_M.gguf"]),
      },
      unknown_reason: null,
    });
    // The same model at another quantization: the same shape, its own weights.
    expect(q8).toMatchObject({ parameters: 8_030_261_248, dtype: "Q8_0", kv_bytes_per_token: llamaKvPerToken });
    expect(q8.weight_bytes).toBe(sizes["shape-llama-Q8_0.gguf"]);
    expect(llamaKvPerToken).toBe(131_072);

    // One header was read (the smallest variant's), a few MB of a 4.9 GB file, nothing of the other.
    const read = serverReadBytes(body.model.artifacts);
    const q4Read = read.get("shape-llama-Q4_K_M.gguf") ?? 0;
    expect(q4Read).toBeGreaterThan(1 * MiB);
    expect(q4Read).toBeLessThan(16 * MiB);
    expect(read.get("shape-llama-Q8_0.gguf") ?? 0).toBe(0);
    const total = [...read.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(20 * MiB);
    expect(total).toBeLessThan(sizes["shape-llama-Q4_K_M.gguf"] / 200);
  });

  it("a split GGUF: the parameters of every shard's tensor table, the metadata of the first", async () => {
    hub().clearRequests();
    const body = await register("acme/shape-split-GGUF");
    const [variant] = body.model.variants as Variant[];
    expect(variant.memory).toMatchObject({
      architecture: "qwen2",
      context_length: 32768,
      // 2 × 28 layers × 4 KV heads × (3584 / 28 = 128) × 2 bytes
      kv_bytes_per_token: 2 * 28 * 4 * 128 * 2,
      need: { context: 8192, kv_cache_bytes: 57_344 * 8192 },
    });
    expect(variant.memory.parameters).toBeGreaterThan(7e9);
    const read = serverReadBytes(body.model.artifacts);
    expect([...read.keys()].filter((f) => f.endsWith(".gguf")).length).toBe(5);
    expect([...read.values()].reduce((a, b) => a + b, 0)).toBeLessThan(20 * MiB);
  });

  it("sharded safetensors: config.json for the shape, the shards' headers for the parameters", async () => {
    hub().clearRequests();
    const body = await register("acme/shape-mistral");
    const { safetensors } = variantsOf(body);
    expect(safetensors.memory).toMatchObject({
      architecture: "mistral",
      parameters: 7_241_732_096,
      dtype: "BF16",
      context_length: 32768,
      kv_bytes_per_token: mistralKvPerToken,
      need: { context: 8192, kv_cache_bytes: GiB },
      unknown_reason: null,
    });
    // Each shard: its 8-byte length and JSON header, never its tensors.
    const read = serverReadBytes(body.model.artifacts);
    for (let i = 1; i <= 3; i++) {
      const shard = `model-0000${i}-of-00003.safetensors`;
      expect(read.get(shard), shard).toBeGreaterThan(0);
      expect(read.get(shard), shard).toBeLessThan(256 * 1024);
    }
  });

  it("a gated repository without a token: registered, its fit unknown with the reason", async () => {
    const body = await register("acme/shape-gated-GGUF");
    const [variant] = body.model.variants as Variant[];
    expect(variant.memory.need).toBeNull();
    expect(variant.memory.unknown_reason).toMatch(/gated or private.*no HF_TOKEN/);
    expect(variant.memory.weight_bytes).toBeGreaterThan(0);
    expect(body.fit).toMatchObject({ smallest_need: null, unknown_reason: variant.memory.unknown_reason });
  });

  it("a header past the 16 MB read per file: the read stops there, the fit is unknown, the registration stands", async () => {
    // 1.3 million vocabulary strings: a 19.5 MB header (and 1 MB after it: the hub hashes the file).
    const header = ggufFile({
      metadata: [str("general.architecture", "llama"), strings("tokenizer.ggml.tokens", tokenRun(1_300_000))],
      tensors: llamaGgufTensors({
        layers: 1,
        hidden: 64,
        heads: 4,
        kvHeads: 4,
        ffn: 128,
        vocab: 1_300_000,
        quantType: "Q8_0",
      }),
    });
    hub().push("acme/unicode-gguf", {
      write: [
        {
          path: "huge-header-Q8_0.gguf",
          kind: "binary",
          size: header.headerBytes + 1e6,
          lfs: true,
          header: header.header,
        },
      ],
      remove: ["模型-Q4_K_M.gguf"],
    });
    hub().clearRequests();
    const body = await register("acme/unicode-gguf");
    const [variant] = body.model.variants as Variant[];
    expect(variant.memory.need).toBeNull();
    expect(variant.memory.unknown_reason).toBe(
      "the header of huge-header-Q8_0.gguf is larger than the 16 MB read per file",
    );
    const read = [...serverReadBytes(body.model.artifacts).values()].reduce((a, b) => a + b, 0);
    expect(read).toBeLessThanOrEqual(16 * MiB + 64 * 1024);
  });

  it("no config.json and no header: unknown, said as such", async () => {
    const body = await register("acme/shape-no-config");
    const reasons = (body.model.variants as Variant[]).map((v) => v.memory.unknown_reason);
    expect(reasons.some((r) => /no config\.json/.test(r ?? ""))).toBe(true);
  });

  it("a file without a GGUF header (the older fixtures): unknown with the parser's word, registration as before", async () => {
    const body = await register("acme/tiny-llama-GGUF");
    const memory = (body.model.variants as Variant[])[0].memory;
    expect(memory.need).toBeNull();
    expect(memory.unknown_reason).toMatch(/no readable GGUF header/);
  });
});

describe("where it fits", () => {
  it("per online node and variant, at the default context and one a person picks; listings carry the need", async () => {
    const name = "hf/acme/shape-llama-GGUF";
    await announce("fit-one-24g", { gpus: [{ name: "RTX 4090", memory_bytes: 24 * GB }], memory_bytes: 64 * GB });
    await announce("fit-two-6g", {
      gpus: [
        { name: "A", memory_bytes: 6 * GB },
        { name: "B", memory_bytes: 6 * GB },
      ],
      memory_bytes: 8 * GB,
    });
    await announce("fit-cpu", { gpus: [], memory_bytes: 16 * GB });
    await announce("fit-small", { gpus: [{ name: "tiny", memory_bytes: 4 * GB }], memory_bytes: 4 * GB });
    const res = await callJson("GET", `/api/models/${name}/fit`, { key: readerKey });
    expect(res.status).toBe(200);
    const cell = (node: string, variant: string) =>
      res.body.details
        .find((d: { node: string }) => d.node === node)
        ?.variants.find((v: { variant: string }) => v.variant === variant);
    expect(res.body).toMatchObject({ context: 8192, nodes: 4, fitting_nodes: 3, warning: null });
    expect(cell("fit-one-24g", "gguf:Q8_0")).toMatchObject({ fit: "gpu", gpus: 1 });
    expect(cell("fit-two-6g", "gguf:Q4_K_M")).toMatchObject({ fit: "gpu_split", gpus: 2, available_bytes: 12 * GB });
    expect(cell("fit-cpu", "gguf:Q8_0")).toMatchObject({ fit: "system_memory", available_bytes: 16 * GB });
    expect(cell("fit-small", "gguf:Q4_K_M")).toMatchObject({ fit: "too_large", available_bytes: 4 * GB });

    // At 128k tokens the KV cache alone is 16 GiB: the 24 GB GPU holds Q4 (22.4 GB) but not Q8
    // (26.6 GB, which fits its 64 GB of system memory); the 16 GB CPU node holds neither.
    const long = await callJson("GET", `/api/models/${name}/fit?context=131072`, { key: readerKey });
    expect(long.body.context).toBe(131072);
    expect(long.body.smallest_need.bytes).toBeGreaterThan(16 * GiB);
    const longCell = (node: string) =>
      long.body.details.find((d: { node: string }) => d.node === node).variants.map((v: { fit: string }) => v.fit);
    expect(longCell("fit-one-24g")).toEqual(["gpu", "system_memory"]);
    expect(longCell("fit-cpu")).toEqual(["too_large", "too_large"]);

    const v1 = await callJson("GET", `/v1/models/${name}`, { key: readerKey });
    expect(v1.body.context_length).toBe(131072);
    expect(v1.body.memory_need).toMatchObject({ variant: "gguf:Q4_K_M", context: 8192 });
    const listed = await callJson("GET", "/v1/models", { key: readerKey });
    const entry = listed.body.data.find((m: { id: string }) => m.id === name);
    expect(entry.memory_need).toEqual(v1.body.memory_need);

    const manifest = await callJson("GET", `/api/models/registry/${name}/manifest.json`, { key: nodeKey });
    expect(manifest.body.variants[0].memory.kv_bytes_per_token).toBe(llamaKvPerToken);
  });

  it("a model no online node can hold is registered with a warning that has the figures", async () => {
    hub().clearRequests();
    const body = await register("acme/shape-30-shards");
    const { safetensors } = variantsOf(body);
    // 2 × 80 layers × 8 KV heads × (8192 / 64 = 128) × 2 bytes = 327,680 a token; 4,096 tokens is its whole context.
    expect(safetensors.memory).toMatchObject({
      architecture: "llama",
      context_length: 4096,
      kv_bytes_per_token: 327_680,
      need: { context: 4096, kv_cache_bytes: 327_680 * 4096 },
    });
    // The Hub's metadata counted the parameters already: no shard header was read, config.json only.
    expect(safetensors.memory.parameters).toBe(68_976_648_192);
    const read = serverReadBytes(body.model.artifacts);
    expect([...read.keys()].filter((f) => f.endsWith(".safetensors"))).toEqual([]);
    expect(read.get("config.json")).toBeGreaterThan(0);
    expect(body.fit.fitting_nodes).toBe(0);
    expect(body.warnings.join("\n")).toMatch(
      /^It needs \d+\.\d GB at 4k context; the largest node has 24\.0 GB of GPU memory and 64\.0 GB of system memory: no online node can hold it\.$/m,
    );
  });

  it("refuses a context that is not a whole number of tokens, and an unknown model", async () => {
    for (const bad of ["0", "-1", "8k", "1.5", "99999999999", "abc"]) {
      const res = await callJson("GET", `/api/models/hf/acme/shape-llama-GGUF/fit?context=${bad}`, { key: readerKey });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe("invalid_input");
    }
    const missing = await callJson("GET", "/api/models/hf/acme/none/fit", { key: readerKey });
    expect(missing.status).toBe(404);
    const anonymous = await callJson("GET", "/api/models/hf/acme/shape-llama-GGUF/fit", { key: null });
    expect(anonymous.status).toBe(401);
  });
});
