// Variant choice: the node's format order first, manifest order second, complete only.
import { describe, expect, it } from "vitest";
import { selectVariant } from "../../cli/agent/loop/select-variant";
import type { Manifest } from "../../cli/lib/api-client";

type Variant = Manifest["variants"][number];
const variant = (name: string, format: Variant["format"], complete = true, files = [`${name}.bin`]): Variant => ({
  name,
  format,
  quant: null,
  size_bytes: 100,
  complete,
  files,
});

function manifest(variants: Variant[]): Manifest {
  return {
    model: "hf/acme/x",
    repo: "acme/x",
    revision: "main",
    commit: "a".repeat(40),
    size_bytes: 100,
    gated: false,
    variants,
    artifacts: variants.flatMap((v) =>
      v.files.map((f) => ({
        filename: f,
        format: v.format,
        size_bytes: 100,
        sha256: f.endsWith(".json") ? null : "b".repeat(64),
        blob_id: f.endsWith(".json") ? "c".repeat(40) : null,
        url: `https://huggingface.co/acme/x/resolve/${"a".repeat(40)}/${f}`,
        variant: v.name,
        role: "weights",
      })),
    ),
  };
}

describe("selectVariant", () => {
  const m = manifest([
    variant("safetensors", "safetensors", true, ["model.safetensors", "config.json"]),
    variant("gguf:Q8_0", "gguf"),
    variant("gguf:Q4_K_M", "gguf"),
    variant("onnx", "onnx"),
  ]);

  it("follows the node's format preference, then manifest order", () => {
    const gguf = selectVariant(m, ["gguf", "safetensors"]);
    expect(gguf.ok && gguf.variant.name).toBe("gguf:Q8_0");
    const st = selectVariant(m, ["safetensors", "gguf"]);
    expect(st.ok && st.variant.name).toBe("safetensors");
    expect(st.ok && st.files).toEqual([
      { path: "model.safetensors", size: 100, sha256: "b".repeat(64), blobId: null },
      { path: "config.json", size: 100, sha256: null, blobId: "c".repeat(40) },
    ]);
    const onnx = selectVariant(m, ["metal", "onnx"]);
    expect(onnx.ok && onnx.variant.name).toBe("onnx");
  });

  it("picks the largest variant the node's memory holds, else the smallest", () => {
    const sized = (name: string, size: number) => ({ ...variant(name, "gguf"), size_bytes: size });
    const quants = manifest([sized("gguf:F16", 2_000), sized("gguf:Q4_K_M", 600), sized("gguf:Q8_0", 1_100)]);
    const pick = (memoryBytes: number) => {
      const c = selectVariant(quants, ["gguf"], { memoryBytes });
      return c.ok && c.variant.name;
    };
    expect(pick(10_000)).toBe("gguf:F16");
    expect(pick(1_500)).toBe("gguf:Q8_0");
    expect(pick(700)).toBe("gguf:Q4_K_M");
    expect(pick(100)).toBe("gguf:Q4_K_M");
  });

  it("skips incomplete variants", () => {
    const partial = manifest([variant("gguf:IQ2_XS", "gguf", false), variant("gguf:Q2_K", "gguf")]);
    const choice = selectVariant(partial, ["gguf"]);
    expect(choice.ok && choice.variant.name).toBe("gguf:Q2_K");
  });

  it("is unsupported when no complete variant fits, and says what the model offers", () => {
    const choice = selectVariant(manifest([variant("gguf:IQ2_XS", "gguf", false), variant("metal", "metal")]), [
      "gguf",
      "safetensors",
    ]);
    expect(choice.ok).toBe(false);
    expect(!choice.ok && choice.message).toBe(
      "no complete variant in a format this node loads (gguf, safetensors); the model offers gguf (incomplete), metal",
    );
  });

  it("names each format once, however many variants the model has", () => {
    const many = manifest(Array.from({ length: 60 }, (_, i) => variant(`gguf:Q${i}`, "gguf")));
    const choice = selectVariant(many, ["metal"]);
    expect(!choice.ok && choice.message).toBe(
      "no complete variant in a format this node loads (metal); the model offers gguf",
    );
    // A variant named after its format ("onnx") is not named twice.
    const onnx = selectVariant(manifest([variant("onnx", "onnx")]), ["gguf"]);
    expect(!onnx.ok && onnx.message).toBe(
      "no complete variant in a format this node loads (gguf); the model offers onnx",
    );
  });
});

describe("selectVariant by memory need (docs/fit.md)", () => {
  const GB = 1e9;
  const kv = 2 * 32 * 8 * 128 * 2; // Llama 3 8B: 128 KiB a token
  const withNeed = (name: string, weight: number): Variant => ({
    ...variant(name, "gguf"),
    size_bytes: weight,
    memory: {
      architecture: "llama",
      parameters: 8_030_261_248,
      dtype: name,
      context_length: 131072,
      kv_bytes_per_token: kv,
      weight_bytes: weight,
      need: null,
      unknown_reason: null,
    },
  });
  const q4 = withNeed("Q4_K_M", 4.92 * GB); // needs 6.55 GB at 8k
  const q8 = withNeed("Q8_0", 8.54 * GB); // needs 10.47 GB at 8k
  const node = (gpus: number[], memoryBytes: number, context = 8192) => ({
    gpus: gpus.map((memory_bytes) => ({ memory_bytes })),
    memoryBytes,
    context,
  });

  it("takes the largest variant that fits its GPUs at its context", () => {
    const m = manifest([q4, q8]);
    expect(selectVariant(m, ["gguf"], { node: node([24 * GB], 64 * GB) })).toMatchObject({ variant: { name: "Q8_0" } });
    expect(selectVariant(m, ["gguf"], { node: node([8 * GB], 64 * GB) })).toMatchObject({
      variant: { name: "Q4_K_M" },
    });
    // Split across two 6 GB GPUs, Q8 (10.47 GB) fits; in one it would not.
    expect(selectVariant(m, ["gguf"], { node: node([6 * GB, 6 * GB], 8 * GB) })).toMatchObject({
      variant: { name: "Q8_0" },
    });
  });

  it("a longer context needs more: at 64k, 8 GiB of KV cache leaves room for Q4 only on 16 GB", () => {
    const m = manifest([q4, q8]);
    expect(selectVariant(m, ["gguf"], { node: node([16 * GB], 16 * GB, 65536) })).toMatchObject({
      variant: { name: "Q4_K_M" },
    });
  });

  it("falls back to system memory on a node without a GPU", () => {
    const m = manifest([q4, q8]);
    expect(selectVariant(m, ["gguf"], { node: node([], 12 * GB) })).toMatchObject({ variant: { name: "Q8_0" } });
  });

  it("reports too_large with the figures instead of choosing a variant that cannot fit", () => {
    const choice = selectVariant(manifest([q4, q8]), ["gguf"], { node: node([4 * GB], 6 * GB) });
    expect(choice).toEqual({
      ok: false,
      code: "too_large",
      message:
        "does not fit this node: its smallest variant Q4_K_M needs 6.5 GB at 8k context; this node has 4.0 GB of GPU memory and 6.0 GB of system memory",
    });
  });

  it("passes over a format that does not fit for the next one in the node's order", () => {
    const onnx = { ...variant("onnx", "onnx"), size_bytes: 1 * GB };
    const choice = selectVariant(manifest([q8, onnx]), ["gguf", "onnx"], { node: node([4 * GB], 8 * GB) });
    expect(choice).toMatchObject({ ok: true, variant: { name: "onnx" } });
  });

  it("refuses, without the need, a model whose smallest variant's files alone exceed every memory the node has", () => {
    const unknown = { ...q4, memory: null };
    expect(selectVariant(manifest([unknown]), ["gguf"], { memoryBytes: 4 * GB, node: node([4 * GB], 4 * GB) })).toEqual(
      {
        ok: false,
        code: "too_large",
        message:
          "does not fit this node: the files of its smallest variant Q4_K_M alone are 4.9 GB (its memory need is unknown); this node has 4.0 GB of GPU memory and 4.0 GB of system memory",
      },
    );
    // Files that fit the memory (the need unknown) are still fetched, as before.
    expect(selectVariant(manifest([unknown]), ["gguf"], { memoryBytes: 6 * GB, node: node([], 6 * GB) })).toMatchObject(
      {
        ok: true,
      },
    );
  });

  it("chooses by file size as before when a variant's need is unknown", () => {
    const m = manifest([{ ...q4, memory: null }, q8]);
    expect(selectVariant(m, ["gguf"], { memoryBytes: 64 * GB, node: node([], 64 * GB) })).toMatchObject({
      ok: true,
      variant: { name: "Q8_0" },
    });
  });
});
