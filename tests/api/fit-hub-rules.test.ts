// The rules of the header reads fit makes (docs/fit.md, docs/security.md), against a fake hub
// that misbehaves: the token to the Hub's origin only, a mirror without Range support, a
// file dripping past the deadline, headers past the per-model cap, and a preview's reads
// serving the registration after it.
import { beforeAll, describe, expect, it } from "vitest";
import type { VariantMemoryDoc } from "@/lib/api/node-schemas";
import { getRegistrationPreview } from "@/lib/registry/preview-registration";
import { ggufFile, llamaGgufTensors, str, strings, tokenRun, u32 } from "../fake-hub/weight-headers";
import { adminKey, startHubForFile } from "../helpers/env";
import { callJson } from "../helpers/routes";

const hub = startHubForFile({ token: true });
const MiB = 1024 ** 2;

type Variant = { name: string; memory: VariantMemoryDoc };
const register = async (repo: string) => {
  const res = await callJson("POST", "/api/models/register", { key: adminKey, json: { repo } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { model: { variants: Variant[] } };
};
const serverRequests = () => hub().requests.filter((r) => r.userAgent?.startsWith("llmlb-server/"));

beforeAll(() => {
  expect(process.env.HF_TOKEN).toBe(hub().token);
});

describe("header reads", () => {
  it("send HF_TOKEN to the Hub's origin only, never to the CDN its files redirect to", async () => {
    hub().clearRequests();
    const body = await register("acme/shape-mistral");
    expect(body.model.variants[0]?.memory.need).not.toBeNull();
    const cdnHost = new URL(hub().cdnUrl).host;
    const reads = serverRequests();
    const toCdn = reads.filter((r) => r.host === cdnHost);
    const toHub = reads.filter((r) => r.host !== cdnHost);
    expect(toCdn.length).toBeGreaterThan(0);
    expect(toCdn.filter((r) => r.authorization !== null)).toEqual([]);
    expect(toHub.length).toBeGreaterThan(0);
    expect(toHub.every((r) => r.authorization === `Bearer ${hub().token}`)).toBe(true);
  });

  it("refuse a mirror that answers a Range request with the whole file", async () => {
    hub().setFileFault("acme/shape-llama-GGUF", "shape-llama-Q4_K_M.gguf", "no-range");
    try {
      hub().clearRequests();
      const body = await register("acme/shape-llama-GGUF");
      const q4 = body.model.variants.find((v) => v.name === "gguf:Q4_K_M");
      expect(q4?.memory.need).toBeNull();
      expect(q4?.memory.unknown_reason).toBe(
        "the Hub sent the whole of shape-llama-Q4_K_M.gguf when asked for part of it; refused",
      );
      // Cancelled after the answer's head: nowhere near the 4.7 GB it offered.
      const bytes = serverRequests().reduce((sum, r) => sum + r.bytes, 0);
      expect(bytes).toBeLessThan(64 * MiB);
    } finally {
      hub().setFileFault("acme/shape-llama-GGUF", "shape-llama-Q4_K_M.gguf", null);
    }
  });

  it("give up at the deadline on a file that drips, and the registration stands", async () => {
    hub().setFileFault("acme/shape-split-GGUF", "shape-split-Q4_K_M-00001-of-00005.gguf", "drip");
    try {
      const started = Date.now();
      const body = await register("acme/shape-split-GGUF");
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(body.model.variants[0]?.memory.unknown_reason).toBe("reading the weight headers took longer than 2.5 s");
    } finally {
      hub().setFileFault("acme/shape-split-GGUF", "shape-split-Q4_K_M-00001-of-00005.gguf", null);
    }
  });

  it("stop at 32 MB for one model, every file together", async () => {
    // Three shards, each with a 12 MB header: each under the 16 MB a file, 36 MB together.
    const shard = (n: number) => {
      const file = ggufFile({
        metadata: [
          str("general.architecture", "llama"),
          u32("llama.block_count", 1),
          strings("tokenizer.ggml.tokens", tokenRun(800_000)),
        ],
        tensors: llamaGgufTensors({
          layers: 1,
          hidden: 64,
          heads: 4,
          kvHeads: 4,
          ffn: 128,
          vocab: 8,
          quantType: "Q8_0",
        }),
      });
      return {
        path: `big-Q8_0-0000${n}-of-00003.gguf`,
        kind: "binary" as const,
        size: file.headerBytes + 1e6,
        lfs: true,
        header: file.header,
      };
    };
    hub().push("acme/sixty-quants-GGUF", {
      write: [shard(1), shard(2), shard(3)],
      remove: Array.from({ length: 60 }, (_, i) => `sixty-quants-experimental-${String(i + 1).padStart(5, "0")}.gguf`),
    });
    hub().clearRequests();
    const body = await register("acme/sixty-quants-GGUF");
    expect(body.model.variants[0]?.memory.unknown_reason).toBe("the headers are larger than the 32 MB read per model");
    const bytes = serverRequests().reduce((sum, r) => sum + r.bytes, 0);
    expect(bytes).toBeLessThan(40 * MiB);
  });

  it("made for a preview serve the registration after it: nothing is read twice", async () => {
    hub().clearRequests();
    const preview = await getRegistrationPreview({ repo: "acme/shape-gated-GGUF" });
    expect(preview.variants[0]?.memory?.need).not.toBeNull();
    expect(serverRequests().length).toBeGreaterThan(0);
    hub().clearRequests();
    const body = await register("acme/shape-gated-GGUF");
    expect(body.model.variants[0]?.memory).toEqual(preview.variants[0]?.memory);
    expect(serverRequests()).toEqual([]);
  });
});
