// Repositories whose weight files start with REAL headers (weight-headers.ts) in the shape
// of well-known models, so a reader that fetches only the header with Range requests
// (@huggingface/gguf's gguf(), @huggingface/hub's parseSafetensorsMetadata) finds the true
// architecture, tensor table and parameter count, while the multi-GB rest is generated
// lazily like every other fixture. Ids, paths and sizes are a contract for other tests.
import { registerKnownSha256 } from "./content";
import * as t from "./fixture-texts";
import type { FixtureBinaryFile, FixtureFile, FixtureRepo, FixtureTextFile } from "./fixtures";
import {
  type DecoderShape,
  f32,
  ggmlTensorBytes,
  ggufFile,
  i32,
  i32s,
  llamaGgufTensors,
  llamaSafetensors,
  mergeRun,
  type SafetensorsTensor,
  safetensorsFile,
  safetensorsTensorBytes,
  shardTensors,
  str,
  strings,
  tokenRun,
  tokenTypeRun,
  u16,
  u32,
  type WeightFile,
} from "./weight-headers";

/** Every weight file here, by "{repo}/{path}": header bytes, data bytes, size (tests read it). */
export const shapeWeightFiles = new Map<string, WeightFile>();

const txt = (path: string, content: string): FixtureTextFile => ({ path, kind: "text", content });
function weights(repo: string, path: string, file: WeightFile): FixtureBinaryFile {
  shapeWeightFiles.set(`${repo}/${path}`, file);
  return { path, kind: "binary", size: file.size, lfs: true, header: file.header };
}
const dates = (day: number) => ({
  createdAt: `2026-01-${String(day).padStart(2, "0")}T10:00:00.000Z`,
  lastModified: `2026-02-${String(day).padStart(2, "0")}T03:04:05.000Z`,
});
const pad5 = (n: number) => String(n).padStart(5, "0");
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

// llama.cpp's LLAMA_FTYPE values for general.file_type.
const FTYPE = { Q4_0: 2, Q8_0: 7, Q4_K_M: 15 } as const;

// ---------------------------------------------------------------------------- Llama-3-8B, GGUF

const LLAMA_REPO = "acme/shape-llama-GGUF";
const llama3: DecoderShape = { layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffn: 14336, vocab: 128256 };

function llamaMetadata(name: string, fileType: number) {
  return [
    str("general.architecture", "llama"),
    str("general.name", name),
    u32("llama.block_count", llama3.layers),
    u32("llama.context_length", 131072),
    u32("llama.embedding_length", llama3.hidden),
    u32("llama.feed_forward_length", llama3.ffn),
    u32("llama.attention.head_count", llama3.heads),
    u32("llama.attention.head_count_kv", llama3.kvHeads),
    f32("llama.rope.freq_base", 500000),
    f32("llama.attention.layer_norm_rms_epsilon", 1e-5),
    u32("llama.rope.dimension_count", 128),
    u32("llama.vocab_size", llama3.vocab),
    u32("general.file_type", fileType),
    str("tokenizer.ggml.model", "gpt2"),
    str("tokenizer.ggml.pre", "llama-bpe"),
    // 128,256 tokens, their types (the last 256 are control tokens) and 280,000 merges:
    // several MB, as in the real file, so a reader needs more than one Range request.
    strings("tokenizer.ggml.tokens", tokenRun(llama3.vocab)),
    i32s("tokenizer.ggml.token_type", tokenTypeRun(llama3.vocab, 256)),
    strings("tokenizer.ggml.merges", mergeRun(280000, llama3.vocab)),
    u32("tokenizer.ggml.bos_token_id", 128000),
    u32("tokenizer.ggml.eos_token_id", 128009),
    str(
      "tokenizer.chat_template",
      "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|eot_id|>{% endfor %}",
    ),
    u32("general.quantization_version", 2),
  ];
}

const llamaQ4 = ggufFile({
  metadata: llamaMetadata("Shape Llama 8B Q4_K_M", FTYPE.Q4_K_M),
  tensors: llamaGgufTensors({ ...llama3, quantType: "Q4_K", outputType: "Q6_K" }),
});
const llamaQ8 = ggufFile({
  metadata: llamaMetadata("Shape Llama 8B Q8_0", FTYPE.Q8_0),
  tensors: llamaGgufTensors({ ...llama3, quantType: "Q8_0" }),
});

// ---------------------------------------------------------------------------- Qwen2-7B, GGUF in 5 shards

const SPLIT_REPO = "acme/shape-split-GGUF";
const SPLIT_COUNT = 5;
const qwen2: DecoderShape = {
  layers: 28,
  hidden: 3584,
  heads: 28,
  kvHeads: 4,
  ffn: 18944,
  vocab: 152064,
  qkvBias: true,
};
const qwenTensors = llamaGgufTensors({ ...qwen2, quantType: "Q4_K", outputType: "Q6_K" });
// As llama.cpp's gguf-split writes them: every shard a valid GGUF with its own tensors and
// the split.* keys; only the first also carries the model's metadata and vocabulary.
const splitFiles = shardTensors(qwenTensors, SPLIT_COUNT, ggmlTensorBytes).map((tensors, i) => {
  const split = [u16("split.no", i), u16("split.count", SPLIT_COUNT), i32("split.tensors.count", qwenTensors.length)];
  const model = [
    str("general.architecture", "qwen2"),
    str("general.name", "Shape Qwen2 7B"),
    u32("qwen2.block_count", qwen2.layers),
    u32("qwen2.context_length", 32768),
    u32("qwen2.embedding_length", qwen2.hidden),
    u32("qwen2.feed_forward_length", qwen2.ffn),
    u32("qwen2.attention.head_count", qwen2.heads),
    u32("qwen2.attention.head_count_kv", qwen2.kvHeads),
    f32("qwen2.rope.freq_base", 1000000),
    f32("qwen2.attention.layer_norm_rms_epsilon", 1e-6),
    u32("general.file_type", FTYPE.Q4_K_M),
    str("tokenizer.ggml.model", "gpt2"),
    str("tokenizer.ggml.pre", "qwen2"),
    strings("tokenizer.ggml.tokens", tokenRun(qwen2.vocab)),
    i32s("tokenizer.ggml.token_type", tokenTypeRun(qwen2.vocab, 421)),
    u32("tokenizer.ggml.eos_token_id", 151645),
    u32("general.quantization_version", 2),
  ];
  const name = `shape-split-Q4_K_M-${pad5(i + 1)}-of-${pad5(SPLIT_COUNT)}.gguf`;
  return { name, file: ggufFile({ metadata: i === 0 ? [...model, ...split] : split, tensors }) };
});

// ---------------------------------------------------------------------------- safetensors, sharded

/** Shards named as transformers names them, each a real safetensors file, plus the index. */
function shardedSafetensors(repo: string, tensors: SafetensorsTensor[], count: number): FixtureFile[] {
  const names = Array.from({ length: count }, (_, i) => `model-${pad5(i + 1)}-of-${pad5(count)}.safetensors`);
  const shards = shardTensors(tensors, count, safetensorsTensorBytes);
  const weightMap: Record<string, string> = {};
  shards.forEach((shard, i) => {
    for (const tensor of shard) weightMap[tensor.name] = names[i];
  });
  const totalSize = tensors.reduce((n, tensor) => n + safetensorsTensorBytes(tensor), 0);
  const sortedMap = Object.fromEntries(Object.entries(weightMap).sort(([a], [b]) => a.localeCompare(b)));
  return [
    ...shards.map((shard, i) => weights(repo, names[i], safetensorsFile(shard, { format: "pt" }))),
    txt("model.safetensors.index.json", json({ metadata: { total_size: totalSize }, weight_map: sortedMap })),
  ];
}

const MISTRAL_REPO = "acme/shape-mistral";
const mistral7b: DecoderShape = { layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffn: 14336, vocab: 32000 };
const mistralConfig = json({
  architectures: ["MistralForCausalLM"],
  model_type: "mistral",
  bos_token_id: 1,
  eos_token_id: 2,
  hidden_act: "silu",
  hidden_size: 4096,
  head_dim: 128,
  intermediate_size: 14336,
  max_position_embeddings: 32768,
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_theta: 1000000.0,
  sliding_window: null,
  tie_word_embeddings: false,
  torch_dtype: "bfloat16",
  transformers_version: "4.42.0",
  use_cache: true,
  vocab_size: 32000,
});

const THIRTY_REPO = "acme/shape-30-shards";
const llama2_70b: DecoderShape = { layers: 80, hidden: 8192, heads: 64, kvHeads: 8, ffn: 28672, vocab: 32000 };
const thirtyConfig = t.llamaConfig({
  hidden_size: 8192,
  intermediate_size: 28672,
  max_position_embeddings: 4096,
  num_attention_heads: 64,
  num_hidden_layers: 80,
  num_key_value_heads: 8,
  vocab_size: 32000,
});

// ---------------------------------------------------------------------------- small ones

const GATED_REPO = "acme/shape-gated-GGUF";
const tiny: DecoderShape = { layers: 2, hidden: 256, heads: 4, kvHeads: 2, ffn: 768, vocab: 512 };
const gatedFile = ggufFile({
  metadata: [
    str("general.architecture", "llama"),
    str("general.name", "Shape Gated Tiny"),
    u32("llama.block_count", tiny.layers),
    u32("llama.context_length", 2048),
    u32("llama.embedding_length", tiny.hidden),
    u32("llama.feed_forward_length", tiny.ffn),
    u32("llama.attention.head_count", tiny.heads),
    u32("llama.attention.head_count_kv", tiny.kvHeads),
    u32("llama.rope.dimension_count", tiny.hidden / tiny.heads),
    u32("general.file_type", FTYPE.Q4_0),
    str("tokenizer.ggml.model", "llama"),
    strings("tokenizer.ggml.tokens", tokenRun(tiny.vocab)),
    i32s("tokenizer.ggml.token_type", tokenTypeRun(tiny.vocab, 3)),
  ],
  tensors: llamaGgufTensors({ ...tiny, quantType: "Q4_0" }),
});

const ggufMeta = { tags: ["gguf", "llama", "text-generation"], pipelineTag: "text-generation", libraryName: "gguf" };
const safetensorsMeta = (arch: string) => ({
  tags: ["safetensors", arch, "text-generation"],
  pipelineTag: "text-generation",
  libraryName: "transformers",
});

export const shapeRepos: FixtureRepo[] = [
  {
    // Llama-3-8B's exact shape: 8,030,261,248 parameters.
    id: LLAMA_REPO,
    ...ggufMeta,
    ...dates(20),
    files: [
      txt(".gitattributes", t.gitattributes),
      txt("README.md", t.readme("shape-llama-GGUF", "Llama-3-8B's shape with real GGUF headers.")),
      weights(LLAMA_REPO, "shape-llama-Q4_K_M.gguf", llamaQ4),
      weights(LLAMA_REPO, "shape-llama-Q8_0.gguf", llamaQ8),
    ],
  },
  {
    // Qwen2-7B's shape split in five by gguf-split: 7,615,616,512 parameters.
    id: SPLIT_REPO,
    tags: ["gguf", "qwen2", "text-generation"],
    pipelineTag: "text-generation",
    libraryName: "gguf",
    ...dates(21),
    files: [
      txt("README.md", t.readme("shape-split-GGUF", "Qwen2-7B's shape as a five-shard split GGUF.")),
      ...splitFiles.map(({ name, file }) => weights(SPLIT_REPO, name, file)),
    ],
  },
  {
    // Mistral-7B's shape, BF16 in three shards: 7,241,732,096 parameters.
    id: MISTRAL_REPO,
    ...safetensorsMeta("mistral"),
    ...dates(22),
    files: [
      txt("config.json", mistralConfig),
      ...shardedSafetensors(MISTRAL_REPO, llamaSafetensors({ ...mistral7b, dtype: "BF16" }), 3),
      txt("tokenizer.json", t.tokenizerJson),
    ],
  },
  {
    // Llama-2-70B's shape, BF16 in thirty shards (≈138 GB): 68,976,648,192 parameters.
    id: THIRTY_REPO,
    ...safetensorsMeta("llama"),
    ...dates(23),
    // As the Hub does for repositories it has indexed: its own count of the safetensors parameters.
    rewriteMetadata: (body) => ({
      ...body,
      safetensors: { parameters: { BF16: 68_976_648_192 }, total: 68_976_648_192 },
    }),
    files: [
      txt("config.json", thirtyConfig),
      ...shardedSafetensors(THIRTY_REPO, llamaSafetensors({ ...llama2_70b, dtype: "BF16" }), 30),
      txt("tokenizer.json", t.tokenizerJson),
    ],
  },
  {
    id: GATED_REPO,
    gated: "manual",
    ...ggufMeta,
    ...dates(24),
    files: [
      txt("README.md", t.readme("shape-gated-GGUF", "A tiny llama with a real GGUF header, gated.")),
      weights(GATED_REPO, "shape-gated-Q4_0.gguf", gatedFile),
    ],
  },
  {
    // Weights but no config.json: an ONNX graph (a safetensors variant without config.json
    // would be incomplete), so what it needs in memory cannot be told from metadata.
    id: "acme/shape-no-config",
    tags: ["onnx", "text-generation"],
    pipelineTag: "text-generation",
    libraryName: "transformers.js",
    ...dates(25),
    files: [
      txt("README.md", t.readme("shape-no-config", "An ONNX graph without config.json.")),
      { path: "model.onnx", kind: "binary", size: 60000, lfs: true },
      txt("tokenizer.json", t.tokenizerJson),
    ],
  },
];

/**
 * sha256 of every shape file above LAZY_HASH_THRESHOLD, by content key (see
 * registerKnownSha256): the Hub's answers carry them, and hashing ~170 GB would take minutes.
 * tests/fake-hub-headers.test.ts fails when one is missing or stale; regenerate with
 *   npx tsx scripts/rehash-shape-fixtures.ts
 * and paste the printed entries here.
 */
export const shapeSha256: Record<string, string> = {
  "bin:acme/shape-30-shards/model-00001-of-00030.safetensors|4718693328|header:528a0fc735e6e4692ad8c30e9946c95ec9655660":
    "cec23b5efa87f0c213da4f069d22711be079b3b1f8b8d572eb3befa141e1ef2f",
  "bin:acme/shape-30-shards/model-00002-of-00030.safetensors|4496378376|header:0a6a306d83fdae6675e03434b8a3a24933468288":
    "2955ff68c4af50864ef2ed2aed93a946e91056048c6d748432817ab7d85ec51a",
  "bin:acme/shape-30-shards/model-00003-of-00030.safetensors|4999695208|header:408e9b49eb270bb8210f64a5e3ebfe9e9021271e":
    "4e2f4df66d01d399bd2d1e8c0239f6448bbbec8efe0c651fbdee779b746aa178",
  "bin:acme/shape-30-shards/model-00004-of-00030.safetensors|4194405224|header:29b2ff8d14b22665daf9aa9a2af1599a8c066c97":
    "da5dbe4e7da67c3731c8858e4b1fa26cc41afb659b2646f4227b32fb90a71512",
  "bin:acme/shape-30-shards/model-00005-of-00030.safetensors|4664150912|header:d034c87466d6ad2bfda5d729054ad0572cea5b6e":
    "ca9ea6b08b27e7bbf5b07d2d63446e4dfbe45d38b3f93aa4587b4e7eb783630e",
  "bin:acme/shape-30-shards/model-00006-of-00030.safetensors|4831922720|header:400b7809f17b41d1be676d71109be010470755c3":
    "25911c2e3b7e5a176cd4a9045db1dc96b33ec466f11240a15b9c6d9e60f42eb1",
  "bin:acme/shape-30-shards/model-00007-of-00030.safetensors|4664167400|header:26ab3c5252ce9823f2877f56e233c338e1c131f1":
    "ab99125d5e8adff59b9e3409810b58aac3bd57953f00abf32bd08ccb84a8b9d4",
  "bin:acme/shape-30-shards/model-00008-of-00030.safetensors|4664167408|header:9b559584d115f86f85fb9b38d9d12a581d1f22b9":
    "126405ec7265e8f79e068aa17739ca40dab65f769bdd12b282b893355d954262",
  "bin:acme/shape-30-shards/model-00009-of-00030.safetensors|4362144056|header:395dc8ee41121531ce14a263f446ff74beedbb5d":
    "919297adea5cb87253ebec890d491efa2e388d3a4bd9109738786f768442166d",
  "bin:acme/shape-30-shards/model-00010-of-00030.safetensors|4664167400|header:7ffcd55f8e09db1b504922961008565f2d97bc1d":
    "39a547a6a348dfb4776e5bb27938c99791264f2965d95dc151cdb71a611fc66e",
  "bin:acme/shape-30-shards/model-00011-of-00030.safetensors|4664167408|header:702ed8576dc06d44400c98a86562664cbc58327f":
    "f31a361215adbdf08720fe84935591e6724a4782f3643ca9f0e4f00e94b134be",
  "bin:acme/shape-30-shards/model-00012-of-00030.safetensors|4362144056|header:25f664a923fa8679eb2bcded20b3da0bdad986ec":
    "663803c9b94c328c400a18ef4d489f0ffd7d53fab38422ec41d2b29249a4070e",
  "bin:acme/shape-30-shards/model-00013-of-00030.safetensors|4664167400|header:cca9ab95fe47c9f873e2a452b9c04e2327a9aeda":
    "f775217490544b2fe562f88b4b922aa75d33c8445bccb75bdd1471521c6f8996",
  "bin:acme/shape-30-shards/model-00014-of-00030.safetensors|4664167408|header:067f6a8497bf846b7b7c46ddb286bb200d08695b":
    "3f924297649e0232efdfc4d06624bf64b0bafa41a91d0e73e6f0769f4b623b5b",
  "bin:acme/shape-30-shards/model-00015-of-00030.safetensors|4362160552|header:e49fe7ade40e66bcb6ff3b0a1fdbefe67e9ea81c":
    "00b07bd2b6bb9a90a7b83c8670289f4207dec13b57bcceb5523e19d0cb6b76a5",
  "bin:acme/shape-30-shards/model-00016-of-00030.safetensors|4664150912|header:8e1db53fa87699b5ac54c29fb55ce2e6910c0d63":
    "4f2c099be9398e70ec798856e62a3fa18a2eca49113bad1232ea34e64cea7c64",
  "bin:acme/shape-30-shards/model-00017-of-00030.safetensors|4664167408|header:882d96f47398b0ac742726495c434d02994975d0":
    "b4cb2ff78719fa11b9330505e3e713403902e953911e9532c802b8c14430a72a",
  "bin:acme/shape-30-shards/model-00018-of-00030.safetensors|4496378400|header:937dfa664cc8d5b74ec0ea3cff249bbe81c398f5":
    "925492a400d24fed02bb640c790c409155138be952fcff0d54cefb6b18f83a5c",
  "bin:acme/shape-30-shards/model-00019-of-00030.safetensors|4999695232|header:98ffa7c664bb0dd90a098c24d8e2c01d99e7e5e6":
    "09784ed01c5cdf3addbfe4a21c3e421f45ef333a1bda8ba9ca8392cc9198bb52",
  "bin:acme/shape-30-shards/model-00020-of-00030.safetensors|4194405240|header:868ca813dd4315fa6b3027585eff7f9f1b7f6c8a":
    "306d2c21d889a7384c111f2337b5ec56a7683294dc60f1ac326bd98693ab4e19",
  "bin:acme/shape-30-shards/model-00021-of-00030.safetensors|4664150912|header:d0361dd7036a951f037ffcc52d828139e5a26501":
    "2ad3c2a8f4a52506d1bc42695c281452a4b6fd05aeac62ee126768ed93f8b8dd",
  "bin:acme/shape-30-shards/model-00022-of-00030.safetensors|4831922720|header:5415bca533c75b7c73b9a68fe8a3083cee0744f6":
    "805510dec3498d0763f6a1b522815fa5198e8a0972b2d9da6e3e18ae185813ab",
  "bin:acme/shape-30-shards/model-00023-of-00030.safetensors|4664167400|header:b1febe62e05b350833c76653be903abe2f5c4ab5":
    "d5d9ad6a119457af1822b587138a89acd28c499b79d4fe8c9a2b7136a1d6abaf",
  "bin:acme/shape-30-shards/model-00024-of-00030.safetensors|4664167408|header:7d70f878db958500d79ad5db46b14c2e9375cb9d":
    "88154e8beb4a0e314064bf392bdcaa166054f33a624a09ea364d0a5b120dfa3a",
  "bin:acme/shape-30-shards/model-00025-of-00030.safetensors|4362144056|header:1355416bd2f5c7fcdc30667dfad73d6dc6decb11":
    "00ecc4dfaaca5be0a505b36e4dd9c9204030c7a5362879735a55e3fc6aa132d8",
  "bin:acme/shape-30-shards/model-00026-of-00030.safetensors|4664167400|header:e34be42155cca7dd5d66fcaf3e9d6157c889d670":
    "bf83397a6ac44b11f9fb6223556aa306e7de6ba4b3d251cbbcfcb07946c4bc5a",
  "bin:acme/shape-30-shards/model-00027-of-00030.safetensors|4664167408|header:0054e3756a4b58706457fcad8d0f21f79396a46b":
    "c26a84d6ce4cf759669761010df467e8cca0aab810c5bf545de40383ca20c106",
  "bin:acme/shape-30-shards/model-00028-of-00030.safetensors|4362144056|header:bd033b3456a784a4d6aa3281c538db2f6c755304":
    "2c9eea13c158ebd1499fed9830c60fcb761fd973a4e9d449a16f50eb1d27a0f3",
  "bin:acme/shape-30-shards/model-00029-of-00030.safetensors|4664167400|header:2bacf78420c3ba0f3f8c46a895c4d1d75da7eba5":
    "65cb63e75273685910e35e28da3e46c27bf32f3f1fc49e7479a0a26e59ea9b3e",
  "bin:acme/shape-30-shards/model-00030-of-00030.safetensors|4416686456|header:f3c9c00882bb58ba7bcf17828add4d2d296841ac":
    "744b5870728b80cbcf9375e2ff41bab0f14d14f90b00ec66af7ae7d952ae2ef8",
  "bin:acme/shape-llama-GGUF/shape-llama-Q4_K_M.gguf|4662270688|header:68eb6c00b0bdef2740df7f5a63ef6005210d5c9c":
    "ac1df1647cf5ce209a211423bbffc3d67779beeff791ce12dc93f2cba21db6aa",
  "bin:acme/shape-llama-GGUF/shape-llama-Q8_0.gguf|8541829856|header:8cb5a597187af3e5339f115ec571fdcd7f4f8a3d":
    "bc40f8496f6dddb2f15ff99a0d5255bbc561d4c8a707ff7f27583a306bb2c14a",
  "bin:acme/shape-mistral/model-00001-of-00003.safetensors|4943178952|header:f1576027a8fd7add2c24eb45a69ed3783f80966a":
    "32d3a97a41ea92db4c305d97897d5036d6b044b7a93e241c9d9f4cd1a558c47b",
  "bin:acme/shape-mistral/model-00002-of-00003.safetensors|4798475552|header:5ac68bc900af6a4d4f7b3f63d08a0eecbdae75f7":
    "4728b60874c50c11f1d2d00dd8ff545c9db84aa0f1af29aa618bef16e4cee997",
  "bin:acme/shape-mistral/model-00003-of-00003.safetensors|4741843512|header:830ca7f541b95a9724d85e06e8b3182926fc3072":
    "792453b0183eabe3a46b0a42e79adea83f877522fba02c3bb42a114c5a6042ac",
  "bin:acme/shape-split-GGUF/shape-split-Q4_K_M-00001-of-00005.gguf|888749632|header:ad84a2cff8cae1be180ad6f6e9141511a2ed2798":
    "27e36db7d9c95b3e4c3064fe3c112b80c66e1da4ab01fdcc10705105be50177f",
  "bin:acme/shape-split-GGUF/shape-split-Q4_K_M-00002-of-00005.gguf|917953280|header:dab4338f75acfb3308731a761d6cfb8938f4ec5c":
    "7318657a5b63cf3e8cf60ae5d32a921af11505800c73448bdacf58dcb66021c0",
  "bin:acme/shape-split-GGUF/shape-split-Q4_K_M-00003-of-00005.gguf|863199520|header:35931ff5e0212627df78f2da27a11f7d03ca49ed":
    "15427584ea02339535e079f0e712a517fcb9754e0fed0e38c034d15fa08d7ba4",
  "bin:acme/shape-split-GGUF/shape-split-Q4_K_M-00004-of-00005.gguf|879762176|header:7501cc880b540c4d5a07c908167b3d892e86b8f0":
    "d7fbc1fb9003d14d09c924cad923bfca3defdb2b83c48ec7e99208105446b450",
  "bin:acme/shape-split-GGUF/shape-split-Q4_K_M-00005-of-00005.gguf|878682400|header:9bc9756fa6c610d0506d0c657429d6f588673b5e":
    "22249116cbb893ea4ed72b524a41924037908ee53ef2f37f25b5ca77d2509f36",
};

registerKnownSha256(shapeSha256);
