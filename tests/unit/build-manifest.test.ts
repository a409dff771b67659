import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/api/errors";
import { buildManifest, type HubSibling, type Manifest, parseQuant } from "../../lib/registry/build-manifest";
import { maxManifestArtifacts, maxManifestVariants, maxVariantNameLength } from "../../lib/registry/manifest-limits";

// Sibling lists mirror the fake hub fixtures (tests/fake-hub/fixtures.ts): LFS files carry
// `lfs.sha256`, small text files only a `size`, exactly as the Hub's `?blobs=true` answer.
const shaOf = (path: string) =>
  path
    .replace(/[^a-z0-9]/gi, "")
    .padEnd(64, "0")
    .slice(0, 64)
    .toLowerCase();
const lfs = (rfilename: string, size: number): HubSibling => ({
  rfilename,
  size,
  lfs: { sha256: shaOf(rfilename), size },
});
const txt = (rfilename: string, size = 100): HubSibling => ({ rfilename, size });
const shards = (prefix: string, total: number, size: number, ext = "gguf", present?: number[]) =>
  (present ?? Array.from({ length: total }, (_, i) => i + 1)).map((k) =>
    lfs(`${prefix}-${String(k).padStart(5, "0")}-of-${String(total).padStart(5, "0")}.${ext}`, size),
  );

const repos = {
  tinyLlama: [
    txt("README.md"),
    txt(".gitattributes"),
    lfs("tiny-llama.Q4_K_M.gguf", 300000),
    lfs("tiny-llama.Q8_0.gguf", 500000),
    lfs("tiny-llama.F16.gguf", 900000),
    lfs("mmproj-tiny-llama-f16.gguf", 120000),
  ],
  bigModel: [
    ...shards("Q4_K_M/big-model-Q4_K_M", 3, 200000),
    ...shards("Q8_0/big-model-Q8_0", 2, 300000),
    lfs("big-model-Q2_K.gguf", 150000),
    ...shards("IQ2_XS/big-model-IQ2_XS", 2, 100000, "gguf", [1]),
    txt("README.md"),
  ],
  tinySafetensors: [
    lfs("model.safetensors", 400000),
    txt("config.json", 600),
    txt("generation_config.json", 150),
    txt("tokenizer.json", 2000),
    txt("tokenizer_config.json", 300),
    txt("special_tokens_map.json", 200),
    txt("README.md"),
  ],
  shardedSafetensors: [
    ...shards("model", 2, 350000, "safetensors"),
    txt("model.safetensors.index.json", 500),
    txt("config.json", 600),
    txt("tokenizer.json", 2000),
    txt("tokenizer_config.json", 300),
  ],
  brokenSafetensors: [
    ...shards("model", 3, 200000, "safetensors", [1, 2]),
    txt("model.safetensors.index.json", 500),
    txt("config.json", 600),
    txt("tokenizer.json", 2000),
  ],
  tinyOnnx: [
    lfs("onnx/model.onnx", 50000),
    lfs("onnx/model.onnx_data", 250000),
    lfs("onnx/model_quantized.onnx", 80000),
    txt("config.json", 600),
    txt("tokenizer.json", 2000),
  ],
  tinyMetal: [lfs("model.metal.bin", 260000), txt("config.json", 600), txt("tokenizer.json", 2000)],
  metalFolder: [lfs("metal/model.bin", 240000), txt("config.json", 600), txt("tokenizer.json", 2000)],
  noWeights: [txt("README.md"), txt("config.json", 600), txt("tokenizer.json", 2000)],
} satisfies Record<string, HubSibling[]>;

function captureError(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected an ApiError");
}

const summarize = (m: Manifest) => m.variants.map((v) => [v.name, v.size_bytes, v.complete]);
const artifactNames = (m: Manifest) => m.artifacts.map((a) => a.filename);

describe("buildManifest: repository registration", () => {
  it("gives each artifact the git blob id the Hub sent, null where it sent none", () => {
    const blobOf = (c: string) => c.repeat(40);
    const m = buildManifest({
      siblings: [
        { ...lfs("model.safetensors", 400000), blobId: blobOf("a") },
        { ...txt("config.json", 600), blobId: blobOf("b") },
        { ...txt("tokenizer.json", 2000), blobId: null },
        txt("tokenizer_config.json", 300),
      ],
    });
    expect(m.artifacts.map((a) => [a.filename, a.blob_id])).toEqual([
      ["config.json", blobOf("b")],
      ["model.safetensors", blobOf("a")],
      ["tokenizer.json", null],
      ["tokenizer_config.json", null],
    ]);
  });

  it("lists each GGUF file as a variant and keeps the projector as an aux artifact", () => {
    const m = buildManifest({ siblings: repos.tinyLlama });
    expect(summarize(m)).toEqual([
      ["gguf:F16", 900000, true],
      ["gguf:Q4_K_M", 300000, true],
      ["gguf:Q8_0", 500000, true],
    ]);
    expect(m.variants.map((v) => v.quant)).toEqual(["F16", "Q4_K_M", "Q8_0"]);
    expect(m.variants[1].files).toEqual(["tiny-llama.Q4_K_M.gguf"]);
    expect(artifactNames(m)).toEqual([
      "mmproj-tiny-llama-f16.gguf",
      "tiny-llama.F16.gguf",
      "tiny-llama.Q4_K_M.gguf",
      "tiny-llama.Q8_0.gguf",
    ]);
    expect(m.artifacts[0]).toEqual({
      filename: "mmproj-tiny-llama-f16.gguf",
      format: "gguf",
      size_bytes: 120000,
      sha256: shaOf("mmproj-tiny-llama-f16.gguf"),
      blob_id: null,
      variant: null,
      role: "aux",
      quant: "F16",
    });
    expect(m.artifacts[2]).toMatchObject({ variant: "gguf:Q4_K_M", role: "weights", format: "gguf", quant: "Q4_K_M" });
    expect(m.size_bytes).toBe(1820000);
    expect(m).toMatchObject({ filename: null, warnings: [] });
  });

  it("groups GGUF shard sets per folder and reports the incomplete one", () => {
    const m = buildManifest({ siblings: repos.bigModel });
    expect(summarize(m)).toEqual([
      ["gguf:IQ2_XS", 100000, false],
      ["gguf:Q4_K_M", 600000, true],
      ["gguf:Q8_0", 600000, true],
      ["gguf:Q2_K", 150000, true],
    ]);
    expect(m.variants[0].missing).toEqual(["IQ2_XS/big-model-IQ2_XS-00002-of-00002.gguf"]);
    expect(m.variants[1].files).toEqual([
      "Q4_K_M/big-model-Q4_K_M-00001-of-00003.gguf",
      "Q4_K_M/big-model-Q4_K_M-00002-of-00003.gguf",
      "Q4_K_M/big-model-Q4_K_M-00003-of-00003.gguf",
    ]);
    expect(m.warnings).toEqual([
      "gguf:IQ2_XS is incomplete (missing IQ2_XS/big-model-IQ2_XS-00002-of-00002.gguf) and cannot be synced",
    ]);
    expect(m.size_bytes).toBe(1450000);
    expect(artifactNames(m)).not.toContain("README.md");
  });

  it("builds the safetensors variant with config and tokenizer files", () => {
    const m = buildManifest({ siblings: repos.tinySafetensors });
    expect(m.variants).toEqual([
      {
        name: "safetensors",
        format: "safetensors",
        quant: null,
        size_bytes: 400000 + 600 + 150 + 2000 + 300 + 200,
        complete: true,
        missing: [],
        files: [
          "model.safetensors",
          "config.json",
          "generation_config.json",
          "special_tokens_map.json",
          "tokenizer.json",
          "tokenizer_config.json",
        ],
      },
    ]);
    const roles = Object.fromEntries(m.artifacts.map((a) => [a.filename, [a.role, a.format, a.variant]]));
    expect(roles).toEqual({
      "config.json": ["config", "other", "safetensors"],
      "generation_config.json": ["config", "other", "safetensors"],
      "model.safetensors": ["weights", "safetensors", "safetensors"],
      "special_tokens_map.json": ["tokenizer", "other", "safetensors"],
      "tokenizer.json": ["tokenizer", "other", "safetensors"],
      "tokenizer_config.json": ["tokenizer", "other", "safetensors"],
    });
  });

  it("gives LFS files their sha256 and small files null", () => {
    const m = buildManifest({ siblings: repos.tinySafetensors });
    const byName = new Map(m.artifacts.map((a) => [a.filename, a]));
    expect(byName.get("model.safetensors")?.sha256).toBe(shaOf("model.safetensors"));
    expect(byName.get("config.json")?.sha256).toBeNull();
    expect(byName.get("config.json")?.size_bytes).toBe(600);
    expect(byName.get("model.safetensors")).not.toHaveProperty("quant");
  });

  it("takes the shards named by the index for sharded safetensors", () => {
    const m = buildManifest({ siblings: repos.shardedSafetensors });
    expect(m.variants[0]).toMatchObject({ name: "safetensors", complete: true, size_bytes: 700000 + 500 + 600 + 2300 });
    expect(m.variants[0].files.slice(0, 3)).toEqual([
      "model-00001-of-00002.safetensors",
      "model-00002-of-00002.safetensors",
      "model.safetensors.index.json",
    ]);
    expect(m.artifacts.find((a) => a.filename === "model.safetensors.index.json")).toMatchObject({
      role: "index",
      format: "safetensors",
    });
  });

  it("rejects a repository whose only variant misses a shard", () => {
    const error = captureError(() => buildManifest({ siblings: repos.brokenSafetensors }));
    expect(error.code).toBe("no_complete_variant");
    expect(error.status).toBe(422);
    expect(error.message).toContain("missing model-00003-of-00003.safetensors");
  });

  it("requires config.json and a tokenizer for safetensors", () => {
    const siblings = [lfs("model.safetensors", 10), txt("tokenizer_config.json")];
    const error = captureError(() => buildManifest({ siblings }));
    expect(error.message).toContain("config.json");
    expect(error.message).toContain("a tokenizer");
  });

  it("collects ONNX graphs with their external data into one variant", () => {
    const m = buildManifest({ siblings: repos.tinyOnnx });
    expect(summarize(m)).toEqual([["onnx", 50000 + 250000 + 80000 + 2600, true]]);
    expect(m.variants[0].files).toEqual([
      "onnx/model.onnx",
      "onnx/model.onnx_data",
      "onnx/model_quantized.onnx",
      "config.json",
      "tokenizer.json",
    ]);
    const quants = Object.fromEntries(m.artifacts.map((a) => [a.filename, a.quant ?? null]));
    expect(quants).toMatchObject({ "onnx/model.onnx": null, "onnx/model_quantized.onnx": "INT8" });
    expect(m.artifacts.find((a) => a.filename === "config.json")?.variant).toBe("onnx");
  });

  it.each([
    ["tinyMetal", "model.metal.bin", 260000],
    ["metalFolder", "metal/model.bin", 240000],
  ] as const)("recognises metal weights in %s", (repo, weights, size) => {
    const m = buildManifest({ siblings: repos[repo] });
    expect(summarize(m)).toEqual([["metal", size + 2600, true]]);
    expect(m.artifacts.find((a) => a.filename === weights)).toMatchObject({ format: "metal", role: "weights" });
  });

  it("rejects a repository without weights and says what is missing", () => {
    const error = captureError(() => buildManifest({ siblings: repos.noWeights }));
    expect(error.code).toBe("no_complete_variant");
    expect(error.message).toContain("no .gguf, .safetensors, .onnx or metal weights found");
  });

  it("names a later variant of the same quant after its folder, or its stem at the root", () => {
    const folderLater = [lfs("Big.Q4_K_M.gguf", 10), ...shards("Q4_K_M/big-Q4_K_M", 2, 5)];
    expect(buildManifest({ siblings: folderLater }).variants.map((v) => v.name)).toEqual([
      "gguf:Q4_K_M",
      "gguf:Q4_K_M@Q4_K_M",
    ]);
    const rootLater = [lfs("big.Q4_K_M.gguf", 10), ...shards("Q4_K_M/big-Q4_K_M", 2, 5)];
    expect(buildManifest({ siblings: rootLater }).variants.map((v) => v.name)).toEqual([
      "gguf:Q4_K_M",
      "gguf:Q4_K_M@big.Q4_K_M",
    ]);
  });

  it("puts safetensors first and shares config files between non-GGUF variants", () => {
    const siblings = [...repos.tinyOnnx, lfs("model.safetensors", 100), lfs("model.Q8_0.gguf", 50)];
    const m = buildManifest({ siblings });
    expect(m.variants.map((v) => v.name)).toEqual(["safetensors", "gguf:Q8_0", "onnx"]);
    expect(m.variants[1].files).toEqual(["model.Q8_0.gguf"]);
    expect(m.variants[2].files).toContain("config.json");
    expect(m.artifacts.filter((a) => a.filename === "config.json")).toEqual([
      expect.objectContaining({ variant: "safetensors" }),
    ]);
  });
});

describe("buildManifest: file registration", () => {
  it("keeps only the variant of a single GGUF file", () => {
    const m = buildManifest({ siblings: repos.tinyLlama, filename: "tiny-llama.Q8_0.gguf" });
    expect(summarize(m)).toEqual([["gguf:Q8_0", 500000, true]]);
    expect(artifactNames(m)).toEqual(["tiny-llama.Q8_0.gguf"]);
    expect(m).toMatchObject({ filename: "tiny-llama.Q8_0.gguf", size_bytes: 500000, warnings: [] });
  });

  it("selects a whole shard set from a middle shard and normalizes the filename", () => {
    const m = buildManifest({ siblings: repos.bigModel, filename: "Q4_K_M/big-model-Q4_K_M-00002-of-00003.gguf" });
    expect(m.filename).toBe("Q4_K_M/big-model-Q4_K_M-00001-of-00003.gguf");
    expect(summarize(m)).toEqual([["gguf:Q4_K_M", 600000, true]]);
    expect(m.artifacts).toHaveLength(3);
    expect(m.warnings).toEqual([]);
  });

  it("selects the safetensors variant from one of its shards", () => {
    const m = buildManifest({ siblings: repos.shardedSafetensors, filename: "model-00002-of-00002.safetensors" });
    expect(m.filename).toBe("model-00001-of-00002.safetensors");
    expect(m.variants.map((v) => v.name)).toEqual(["safetensors"]);
    expect(artifactNames(m)).toContain("tokenizer.json");
  });

  it.each([
    ["config.json", repos.tinySafetensors],
    ["README.md", repos.tinyLlama],
    ["mmproj-tiny-llama-f16.gguf", repos.tinyLlama],
  ])("rejects %s as not a model file", (filename, siblings) => {
    const error = captureError(() => buildManifest({ siblings, filename }));
    expect([error.code, error.status]).toEqual(["not_a_model_file", 422]);
    expect(error.message).toContain(filename);
  });

  it("answers 424 for a file the repository does not have", () => {
    const error = captureError(() => buildManifest({ siblings: repos.tinyLlama, filename: "tiny-llama.Q2_K.gguf" }));
    expect([error.code, error.status]).toEqual(["hf_file_not_found", 424]);
    expect(error.message).toBe("tiny-llama.Q2_K.gguf was not found in the repository at this revision");
  });

  it("rejects a shard of an incomplete set", () => {
    const filename = "IQ2_XS/big-model-IQ2_XS-00001-of-00002.gguf";
    const error = captureError(() => buildManifest({ siblings: repos.bigModel, filename }));
    expect([error.code, error.status]).toEqual(["no_complete_variant", 422]);
    expect(error.message).toContain("IQ2_XS/big-model-IQ2_XS-00002-of-00002.gguf");
  });
});

describe("buildManifest: quant registration", () => {
  it("matches the quant case-insensitively", () => {
    const m = buildManifest({ siblings: repos.tinyLlama, quant: "q8_0" });
    expect(m.filename).toBe("tiny-llama.Q8_0.gguf");
    expect(artifactNames(m)).toEqual(["tiny-llama.Q8_0.gguf"]);
  });

  it("selects a shard set and points at its first shard", () => {
    const m = buildManifest({ siblings: repos.bigModel, quant: "Q4_K_M" });
    expect(m.filename).toBe("Q4_K_M/big-model-Q4_K_M-00001-of-00003.gguf");
    expect(m.size_bytes).toBe(600000);
  });

  it("lists the available quants when the requested one is absent", () => {
    const error = captureError(() => buildManifest({ siblings: repos.tinyLlama, quant: "Q5_K_M" }));
    expect([error.code, error.status]).toEqual(["hf_file_not_found", 424]);
    expect(error.message).toBe("no GGUF file with quantization Q5_K_M; available: F16, Q4_K_M, Q8_0");
  });

  it("explains that the requested quant exists but is incomplete", () => {
    const error = captureError(() => buildManifest({ siblings: repos.bigModel, quant: "iq2_xs" }));
    expect(error.code).toBe("no_complete_variant");
  });
});

describe("parseQuant", () => {
  it.each([
    ["tiny-llama.Q4_K_M.gguf", "Q4_K_M"],
    ["tiny-llama.Q8_0.gguf", "Q8_0"],
    ["tiny-llama.F16.gguf", "F16"],
    ["mmproj-tiny-llama-f16.gguf", "F16"],
    ["Phi-3-mini-4k-instruct-fp16.gguf", "F16"],
    ["model-bf16.gguf", "BF16"],
    ["model.F32.gguf", "F32"],
    ["Llama-3.2-1B-Instruct-IQ1_S.gguf", "IQ1_S"],
    ["model-IQ1_M.gguf", "IQ1_M"],
    ["model-IQ2_XXS.gguf", "IQ2_XXS"],
    ["model-IQ2_XS.gguf", "IQ2_XS"],
    ["model-iq2_s.gguf", "IQ2_S"],
    ["model-IQ2_M.gguf", "IQ2_M"],
    ["model-IQ3_XXS.gguf", "IQ3_XXS"],
    ["model-IQ3_XS.gguf", "IQ3_XS"],
    ["model-IQ3_M.gguf", "IQ3_M"],
    ["model-IQ4_XS.gguf", "IQ4_XS"],
    ["model-IQ4_NL.gguf", "IQ4_NL"],
    ["model-Q2_K.gguf", "Q2_K"],
    ["model-Q2_K_S.gguf", "Q2_K_S"],
    ["model-Q2_K_L.gguf", "Q2_K_L"],
    ["model-Q3_K_S.gguf", "Q3_K_S"],
    ["model-Q3_K_M.gguf", "Q3_K_M"],
    ["model-Q3_K_L.gguf", "Q3_K_L"],
    ["model-Q3_K_XL.gguf", "Q3_K_XL"],
    ["qwen2.5-0.5b-instruct-q4_0.gguf", "Q4_0"],
    ["model_q4_1.gguf", "Q4_1"],
    ["model-Q4_K_S.gguf", "Q4_K_S"],
    ["model-Q4_K_L.gguf", "Q4_K_L"],
    ["model-Q4_K_XL.gguf", "Q4_K_XL"],
    ["model-Q5_0.gguf", "Q5_0"],
    ["model-Q5_1.gguf", "Q5_1"],
    ["model-Q5_K_S.gguf", "Q5_K_S"],
    ["model.Q5_K_M.gguf", "Q5_K_M"],
    ["model-Q5_K_L.gguf", "Q5_K_L"],
    ["model-Q6_K.gguf", "Q6_K"],
    ["model-Q6_K_L.gguf", "Q6_K_L"],
    ["model-Q8_K_XL.gguf", "Q8_K_XL"],
    ["model-TQ1_0.gguf", "TQ1_0"],
    ["model-TQ2_0.gguf", "TQ2_0"],
    ["gpt-oss-20b-MXFP4.gguf", "MXFP4"],
    ["Qwen3-30B-A3B-UD-Q4_K_XL.gguf", "UD-Q4_K_XL"],
    ["UD-IQ1_S/DeepSeek-R1-UD-IQ1_S-00001-of-00003.gguf", "UD-IQ1_S"],
    ["Q4_K_M/big-model-Q4_K_M-00002-of-00003.gguf", "Q4_K_M"],
    ["Q5_K_M/model-00001-of-00002.gguf", "Q5_K_M"],
    ["weights/q6_k/model.gguf", "Q6_K"],
    ["tiny-llama.gguf", null],
    ["model-00001-of-00002.gguf", null],
    ["README.md", null],
    ["AQ4_K_MX.gguf", null],
  ])("%s → %s", (path, quant) => {
    expect(parseQuant(path)).toBe(quant);
  });

  it("names a variant after the file stem when the name has no quant", () => {
    const m = buildManifest({ siblings: [lfs("models/tiny-llama.gguf", 42)] });
    expect(m.variants[0]).toMatchObject({ name: "gguf:tiny-llama", quant: null, files: ["models/tiny-llama.gguf"] });
  });
});

describe("buildManifest: bounds on what a Hub answer can make it derive", () => {
  it("shortens long variant names stably and uniquely, never splitting a character", () => {
    const folder = `${"d".repeat(150)}/${"e".repeat(150)}`;
    const emoji = `${"é".repeat(11)}${"😀".repeat(100)}`;
    const siblings = [
      lfs("m.Q4_K_M.gguf", 1),
      lfs(`${folder}/m.Q4_K_M.gguf`, 2),
      lfs(`${folder}/n.Q4_K_M.gguf`, 3),
      lfs(`${emoji}.gguf`, 4),
    ];
    const names = buildManifest({ siblings }).variants.map((v) => v.name);
    expect(names).toHaveLength(4);
    expect(new Set(names).size).toBe(4);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(maxVariantNameLength);
      expect(name.isWellFormed()).toBe(true);
    }
    expect(names.filter((n) => n.includes("…"))).toHaveLength(2);
    expect(buildManifest({ siblings: [...siblings].reverse() }).variants.map((v) => v.name)).toEqual(names);
  });

  it("names a few absent shards of sets that claim 99,999, and a few incomplete variants", () => {
    // Twenty sets share one prefix (different totals), each with one shard of up to 99,999.
    const totals = Array.from({ length: 20 }, (_, i) => 99_980 + i);
    const siblings = [...totals.map((total) => lfs(`x-00001-of-${total}.gguf`, 1)), lfs("ok.Q4_K_M.gguf", 5)];
    const m = buildManifest({ siblings });
    expect(m.variants).toHaveLength(21);
    expect(new Set(m.variants.map((v) => v.name)).size).toBe(21);
    const incomplete = m.variants.filter((v) => !v.complete);
    expect(incomplete).toHaveLength(20);
    expect(incomplete[0].missing).toEqual([
      "x-00002-of-99980.gguf",
      "x-00003-of-99980.gguf",
      "x-00004-of-99980.gguf",
      "x-00005-of-99980.gguf",
      "x-00006-of-99980.gguf",
      "and 99974 more",
    ]);
    expect(m.warnings).toHaveLength(6);
    expect(m.warnings[5]).toBe("15 more variants are incomplete and cannot be synced");

    const refusal = captureError(() => buildManifest({ siblings: siblings.slice(0, 20) }));
    expect(refusal.code).toBe("no_complete_variant");
    expect(refusal.message).toContain("and 17 more incomplete variants");
    expect(refusal.message.length).toBeLessThan(1000);
  });

  it("keeps config.json and the tokenizer in view when many shards are missing too", () => {
    const siblings = [...shards("model", 40, 10, "safetensors", [1]), txt("model.safetensors.index.json")];
    const error = captureError(() => buildManifest({ siblings }));
    expect(error.message).toContain("missing config.json, a tokenizer file such as tokenizer.json");
    expect(error.message).toContain("and 36 more");
  });

  it("refuses more variants than a manifest may hold, and still registers one of them", () => {
    const siblings = Array.from({ length: maxManifestVariants + 1 }, (_, i) => lfs(`v/model-${i}.gguf`, 10));
    const error = captureError(() => buildManifest({ siblings }));
    expect([error.code, error.status]).toEqual(["manifest_too_large", 422]);
    expect(error.message).toContain(`${maxManifestVariants + 1} variants`);
    expect(error.message).toContain("owner/repo:QUANT");
    const one = buildManifest({ siblings, filename: "v/model-7.gguf" });
    expect(one.artifacts.map((a) => a.filename)).toEqual(["v/model-7.gguf"]);
  });

  it("refuses a manifest of more files than it may hold, even for one variant", () => {
    const total = maxManifestArtifacts + 10;
    const siblings = [...shards("model", total, 10, "safetensors"), txt("config.json"), txt("tokenizer.json")];
    const error = captureError(() => buildManifest({ siblings }));
    expect([error.code, error.status]).toEqual(["manifest_too_large", 422]);
    expect(error.message).toContain(`${total + 2} files`);
    const single = captureError(() => buildManifest({ siblings, filename: "model-00002-of-04106.safetensors" }));
    expect(single.message).toContain("the variant safetensors cannot be registered");
  });
});
