// Fixture repositories served by the fake Hub. Ids, paths and sizes are a contract:
// integration tests elsewhere depend on them, so change them only together.
import * as t from "./fixture-texts";
import { hostileRepos } from "./hostile-repos";

/** Small file with literal content (size is its UTF-8 byte length). */
export interface FixtureTextFile {
  path: string;
  kind: "text";
  content: string;
  lfs?: boolean;
}

/**
 * Deterministic binary file: a 64 KiB PRNG block derived from `seed`, repeated and
 * truncated to `size`. Without a seed the store uses "{repoId}/{path}"; files that
 * share seed and size share bytes and sha256 (the huge fixture relies on that).
 */
export interface FixtureBinaryFile {
  path: string;
  kind: "binary";
  size: number;
  lfs: boolean;
  seed?: string;
}

export type FixtureFile = FixtureTextFile | FixtureBinaryFile;

export interface FixtureRepo {
  id: string; // canonical casing
  private?: boolean;
  gated?: false | "auto" | "manual";
  disabled?: boolean;
  tags: string[];
  pipelineTag?: string;
  libraryName?: string;
  createdAt: string;
  lastModified: string;
  files: FixtureFile[];
  /** Extra refs besides `main` (tags, `refs/pr/N`); each gets its own commit, same files. */
  revisions?: string[];
  /** Canned failure modes for the metadata API. */
  behavior?: "rate-limited" | "failing" | "slow";
  /**
   * A hostile or broken mirror: rewrites the metadata body before it is sent (a lying `id`,
   * unsafe sibling names, NUL, 200,000 siblings…). Downloads still serve `files`.
   */
  rewriteMetadata?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** A hostile mirror: the metadata answer is `bytes` of generated JSON, streamed, never held whole. */
  oversizedMetadata?: { bytes: number; declareLength: boolean };
}

/** Renamed/legacy ids: `to` is a canonical repo id, or an absolute URL (offsite). */
export interface FixtureRedirect {
  from: string;
  to: string;
}

const txt = (path: string, content: string): FixtureTextFile => ({ path, kind: "text", content });
const bin = (path: string, size: number, seed?: string): FixtureBinaryFile => ({
  path,
  kind: "binary",
  size,
  lfs: true,
  seed,
});

const MiB = 1024 * 1024;
const HUGE_SHARDS = 128;
const HUGE_SHARD_SIZE = 512 * MiB;
const pad5 = (n: number) => String(n).padStart(5, "0");
const shardNames = (count: number, ext = "safetensors") =>
  Array.from({ length: count }, (_, i) => `model-${pad5(i + 1)}-of-${pad5(count)}.${ext}`);

const safetensorsTags = ["safetensors", "llama", "text-generation"];
const dates = (day: number) => ({
  createdAt: `2025-12-${String(day).padStart(2, "0")}T10:00:00.000Z`,
  lastModified: `2026-01-${String(day).padStart(2, "0")}T03:04:05.000Z`,
});

const smallSafetensors = (size: number): FixtureFile[] => [
  bin("model.safetensors", size),
  txt("config.json", t.llamaConfig()),
  txt("tokenizer.json", t.tokenizerJson),
];

const hugeShards = shardNames(HUGE_SHARDS);
const brokenShards = shardNames(3);
const shardedShards = shardNames(2);

export const fixtureRepos: FixtureRepo[] = [
  {
    id: "acme/tiny-llama-GGUF",
    tags: ["gguf", "llama", "text-generation"],
    pipelineTag: "text-generation",
    libraryName: "gguf",
    ...dates(2),
    revisions: ["v1.0", "refs/pr/1"],
    files: [
      txt(".gitattributes", t.gitattributes),
      txt("README.md", t.readme("tiny-llama-GGUF")),
      bin("mmproj-tiny-llama-f16.gguf", 120000),
      bin("tiny-llama.F16.gguf", 900000),
      bin("tiny-llama.Q4_K_M.gguf", 300000),
      bin("tiny-llama.Q8_0.gguf", 500000),
    ],
  },
  {
    id: "acme/big-model-GGUF",
    tags: ["gguf", "llama", "text-generation"],
    pipelineTag: "text-generation",
    libraryName: "gguf",
    ...dates(3),
    files: [
      txt(".gitattributes", t.gitattributes),
      txt("README.md", t.readme("big-model-GGUF", "Split GGUF fixture; IQ2_XS is deliberately incomplete.")),
      bin("IQ2_XS/big-model-IQ2_XS-00001-of-00002.gguf", 100000),
      bin("Q4_K_M/big-model-Q4_K_M-00001-of-00003.gguf", 200000),
      bin("Q4_K_M/big-model-Q4_K_M-00002-of-00003.gguf", 200000),
      bin("Q4_K_M/big-model-Q4_K_M-00003-of-00003.gguf", 200000),
      bin("Q8_0/big-model-Q8_0-00001-of-00002.gguf", 300000),
      bin("Q8_0/big-model-Q8_0-00002-of-00002.gguf", 300000),
      bin("big-model-Q2_K.gguf", 150000),
    ],
  },
  {
    id: "acme/tiny-safetensors",
    gated: false,
    tags: safetensorsTags,
    pipelineTag: "text-generation",
    libraryName: "transformers",
    ...dates(4),
    files: [
      txt(".gitattributes", t.gitattributes),
      txt("README.md", t.readme("tiny-safetensors")),
      txt("config.json", t.llamaConfig()),
      txt("generation_config.json", t.generationConfig),
      bin("model.safetensors", 400000),
      txt("special_tokens_map.json", t.specialTokensMap),
      txt("tokenizer.json", t.tokenizerJson),
      txt("tokenizer_config.json", t.tokenizerConfig),
    ],
  },
  {
    id: "acme/sharded-safetensors",
    tags: safetensorsTags,
    pipelineTag: "text-generation",
    libraryName: "transformers",
    ...dates(5),
    files: [
      txt("config.json", t.llamaConfig()),
      ...shardedShards.map((p) => bin(p, 350000)),
      txt("model.safetensors.index.json", t.safetensorsIndex(shardedShards, 700000)),
      txt("tokenizer.json", t.tokenizerJson),
      txt("tokenizer_config.json", t.tokenizerConfig),
    ],
  },
  {
    id: "acme/broken-safetensors",
    tags: safetensorsTags,
    pipelineTag: "text-generation",
    libraryName: "transformers",
    ...dates(6),
    files: [
      txt("config.json", t.llamaConfig()),
      // The third shard named by the index is deliberately missing.
      ...brokenShards.slice(0, 2).map((p) => bin(p, 200000)),
      txt("model.safetensors.index.json", t.safetensorsIndex(brokenShards, 600000)),
      txt("tokenizer.json", t.tokenizerJson),
    ],
  },
  {
    id: "acme/tiny-onnx",
    tags: ["onnx", "llama", "text-generation"],
    pipelineTag: "text-generation",
    libraryName: "transformers.js",
    ...dates(7),
    files: [
      txt("config.json", t.llamaConfig()),
      bin("onnx/model.onnx", 50000),
      bin("onnx/model.onnx_data", 250000),
      bin("onnx/model_quantized.onnx", 80000),
      txt("tokenizer.json", t.tokenizerJson),
    ],
  },
  {
    id: "acme/tiny-metal",
    tags: ["metal", "llama", "text-generation"],
    pipelineTag: "text-generation",
    ...dates(8),
    files: [
      txt("config.json", t.llamaConfig()),
      bin("model.metal.bin", 260000),
      txt("tokenizer.json", t.tokenizerJson),
    ],
  },
  {
    // Both a GGUF and a safetensors variant: nodes with different format
    // preferences pick different files from the same registration.
    id: "acme/mixed-formats",
    tags: ["gguf", "safetensors", "llama", "text-generation"],
    pipelineTag: "text-generation",
    ...dates(9),
    files: [
      txt("config.json", t.llamaConfig()),
      bin("mixed.Q4_K_M.gguf", 200000),
      bin("model.safetensors", 300000),
      txt("tokenizer.json", t.tokenizerJson),
    ],
  },
  {
    // A file name outside Latin-1: names, URLs and headers must all carry it.
    id: "acme/unicode-gguf",
    tags: ["gguf", "text-generation"],
    ...dates(9),
    files: [bin("模型-Q4_K_M.gguf", 120000)],
  },
  {
    id: "acme/metal-folder",
    tags: ["metal", "llama", "text-generation"],
    pipelineTag: "text-generation",
    ...dates(9),
    files: [
      txt("config.json", t.llamaConfig()),
      bin("metal/model.bin", 240000),
      txt("tokenizer.json", t.tokenizerJson),
    ],
  },
  {
    // Sixty GGUF variants: a node that loads none of them explains why in a bounded reason.
    id: "acme/sixty-quants-GGUF",
    tags: ["gguf", "text-generation"],
    ...dates(9),
    files: Array.from({ length: 60 }, (_, i) => bin(`sixty-quants-experimental-${pad5(i + 1)}.gguf`, 1000)),
  },
  {
    id: "acme/no-weights",
    tags: ["llama", "text-generation"],
    pipelineTag: "text-generation",
    libraryName: "transformers",
    ...dates(10),
    files: [
      txt("README.md", t.readme("no-weights", "Config and tokenizer only.")),
      txt("config.json", t.llamaConfig()),
      txt("tokenizer.json", t.tokenizerJson),
    ],
  },
  {
    id: "acme/gated-model",
    gated: "manual",
    tags: safetensorsTags,
    pipelineTag: "text-generation",
    libraryName: "transformers",
    ...dates(11),
    files: smallSafetensors(100000),
  },
  {
    id: "acme/private-model",
    private: true,
    tags: ["gguf", "llama", "text-generation"],
    pipelineTag: "text-generation",
    libraryName: "gguf",
    ...dates(12),
    files: [txt("README.md", t.readme("private-model")), bin("private.Q4_0.gguf", 100000)],
  },
  {
    id: "openai-community/gpt2",
    tags: ["transformers", "pytorch", "safetensors", "gpt2", "text-generation"],
    pipelineTag: "text-generation",
    libraryName: "transformers",
    createdAt: "2022-03-02T23:29:04.000Z",
    lastModified: "2024-02-19T10:57:45.000Z",
    files: [
      txt("config.json", t.gpt2Config),
      txt("merges.txt", t.gpt2Merges),
      bin("model.safetensors", 150000),
      txt("tokenizer.json", t.tokenizerJson),
      txt("vocab.json", t.gpt2Vocab),
    ],
  },
  {
    id: "acme/slow",
    behavior: "slow",
    tags: safetensorsTags,
    pipelineTag: "text-generation",
    libraryName: "transformers",
    ...dates(13),
    files: smallSafetensors(20000),
  },
  {
    id: "acme/huge-model",
    tags: safetensorsTags,
    pipelineTag: "text-generation",
    libraryName: "transformers",
    ...dates(14),
    files: [
      txt("config.json", t.llamaConfig({ hidden_size: 16384, num_hidden_layers: 126 })),
      // One shared seed: every shard has the same bytes, so one lazy hash covers all.
      ...hugeShards.map((p) => bin(p, HUGE_SHARD_SIZE, "acme/huge-model/shard")),
      txt("model.safetensors.index.json", t.safetensorsIndex(hugeShards, HUGE_SHARDS * HUGE_SHARD_SIZE)),
      txt("tokenizer.json", t.tokenizerJson),
    ],
  },
  {
    id: "acme/rate-limited",
    behavior: "rate-limited",
    tags: ["text-generation"],
    ...dates(15),
    files: [txt("README.md", t.readme("rate-limited"))],
  },
  {
    id: "acme/failing",
    behavior: "failing",
    tags: ["text-generation"],
    ...dates(16),
    files: [txt("README.md", t.readme("failing"))],
  },
  ...hostileRepos,
];

export const fixtureRedirects: FixtureRedirect[] = [
  { from: "gpt2", to: "openai-community/gpt2" },
  { from: "acme/old-name", to: "acme/tiny-safetensors" },
  // Three hops: a client that follows at most two redirects must give up.
  { from: "acme/loop-a", to: "acme/loop-b" },
  { from: "acme/loop-b", to: "acme/loop-c" },
  { from: "acme/loop-c", to: "acme/tiny-safetensors" },
  { from: "acme/offsite", to: "http://evil.invalid/api/models/x/y" },
];
