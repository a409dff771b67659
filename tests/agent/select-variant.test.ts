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
      "no complete variant in a format this node loads (gguf, safetensors); hf/acme/x offers: gguf:IQ2_XS (gguf, incomplete), metal (metal)",
    );
  });

  it("names a few of many variants, not all of them", () => {
    const many = manifest(Array.from({ length: 60 }, (_, i) => variant(`gguf:Q${i}`, "gguf")));
    const choice = selectVariant(many, ["metal"]);
    expect(!choice.ok && choice.message).toBe(
      "no complete variant in a format this node loads (metal); hf/acme/x offers: gguf:Q0 (gguf), gguf:Q1 (gguf), gguf:Q2 (gguf), gguf:Q3 (gguf), gguf:Q4 (gguf), gguf:Q5 (gguf) and 54 more",
    );
  });
});
