// The memory a model needs and where it fits, against figures worked out by hand for
// known shapes (issue 14). KV cache per token = 2 (K and V) × layers × KV heads × head
// dimension × 2 bytes (f16).
import { describe, expect, it } from "vitest";
import {
  type Architecture,
  architectureFromConfig,
  architectureFromGguf,
  defaultContext,
  fitOnNode,
  kvCacheBytesPerToken,
  memoryNeed,
} from "@/lib/api/memory-need";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

// The language model parts of real config.json files (Hugging Face).
const llama3_8b = {
  model_type: "llama",
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  hidden_size: 4096,
  max_position_embeddings: 8192,
  torch_dtype: "bfloat16",
};
const qwen25_05b = {
  model_type: "qwen2",
  num_hidden_layers: 24,
  num_attention_heads: 14,
  num_key_value_heads: 2,
  hidden_size: 896,
  max_position_embeddings: 32768,
};
const gpt2 = { model_type: "gpt2", n_layer: 12, n_head: 12, n_embd: 768, n_positions: 1024 };

describe("the KV cache", () => {
  it("Llama 3 8B: 32 layers × 8 KV heads × 128 → 128 KiB a token, 1 GiB at 8k", () => {
    const a = architectureFromConfig(llama3_8b);
    expect(a).toEqual({ name: "llama", layers: 32, kvHeads: 8, headDim: 128, contextLength: 8192 });
    if (!a) throw new Error("no architecture");
    expect(kvCacheBytesPerToken(a)).toBe(131_072);
    expect(memoryNeed(4_920_000_000, a).kvCacheBytes).toBe(1 * GiB);
  });

  it("Qwen2.5 0.5B: head dimension 896 / 14 = 64; 12 KiB a token; its 32k context capped at 8,192", () => {
    const a = architectureFromConfig(qwen25_05b);
    if (!a) throw new Error("no architecture");
    expect(a.headDim).toBe(64);
    expect(kvCacheBytesPerToken(a)).toBe(12_288);
    expect(defaultContext(a)).toBe(8192);
    expect(memoryNeed(1, a).kvCacheBytes).toBe(96 * MiB);
    expect(memoryNeed(1, a, 32_768).kvCacheBytes).toBe(384 * MiB);
  });

  it("GPT-2 (its own key names, no grouped-query attention): its 1,024 context is the default", () => {
    const a = architectureFromConfig(gpt2);
    if (!a) throw new Error("no architecture");
    expect(a).toMatchObject({ layers: 12, kvHeads: 12, headDim: 64, contextLength: 1024 });
    expect(defaultContext(a)).toBe(1024);
    expect(memoryNeed(0, a).kvCacheBytes).toBe(36 * MiB); // 36,864 B × 1,024
  });

  it("takes an explicit head_dim and a multimodal config's text_config", () => {
    const gemmaLike = { model_type: "x", text_config: { ...llama3_8b, head_dim: 256, num_key_value_heads: 4 } };
    expect(architectureFromConfig(gemmaLike)).toMatchObject({ headDim: 256, kvHeads: 4, name: "llama" });
  });

  it("says nothing rather than guess from a config without the shape", () => {
    for (const bad of [null, "x", {}, { num_hidden_layers: 2 }, { ...llama3_8b, num_key_value_heads: 64 }]) {
      expect(architectureFromConfig(bad)).toBeNull();
    }
    expect(architectureFromConfig({ ...llama3_8b, num_hidden_layers: -1 })).toBeNull();
    expect(architectureFromConfig({ ...llama3_8b, hidden_size: 4097, num_attention_heads: 32 })).toBeNull();
  });

  it("Falcon 7B (multi_query): one KV head of 64 → 8 KiB a token", () => {
    const falcon = {
      model_type: "falcon",
      num_hidden_layers: 32,
      num_attention_heads: 71,
      hidden_size: 4544,
      multi_query: true,
    };
    const a = architectureFromConfig(falcon);
    expect(a).toMatchObject({ kvHeads: 1, headDim: 64 });
    expect(kvCacheBytesPerToken(a as Architecture)).toBe(2 * 32 * 1 * 64 * 2);
  });

  it("DeepSeek V3 (latent attention): 61 layers × (512 + 64) × 2 bytes = 70,272 bytes a token", () => {
    const deepseek = {
      model_type: "deepseek_v3",
      num_hidden_layers: 61,
      num_attention_heads: 128,
      num_key_value_heads: 128,
      hidden_size: 7168,
      kv_lora_rank: 512,
      qk_rope_head_dim: 64,
      max_position_embeddings: 163840,
    };
    expect(kvCacheBytesPerToken(architectureFromConfig(deepseek) as Architecture)).toBe(70_272);
    // The same from a GGUF header (llama.cpp's deepseek2 keys).
    const fromGguf = architectureFromGguf({
      "general.architecture": "deepseek2",
      "deepseek2.block_count": 61,
      "deepseek2.attention.head_count": 128,
      "deepseek2.attention.head_count_kv": 128,
      "deepseek2.embedding_length": 7168,
      "deepseek2.attention.key_length": 192,
      "deepseek2.attention.value_length": 128,
      "deepseek2.attention.kv_lora_rank": 512,
      "deepseek2.rope.dimension_count": 64,
    });
    expect(kvCacheBytesPerToken(fromGguf as Architecture)).toBe(70_272);
  });

  it("keys and values of different widths (GGUF attention.value_length)", () => {
    const a = architectureFromGguf({
      "general.architecture": "x",
      "x.block_count": 10,
      "x.attention.head_count": 8,
      "x.attention.head_count_kv": 2,
      "x.embedding_length": 1024,
      "x.attention.key_length": 192,
      "x.attention.value_length": 128,
    });
    expect(kvCacheBytesPerToken(a as Architecture)).toBe(10 * 2 * (192 + 128) * 2);
  });

  it("reads a GGUF header's metadata, bigint values included", () => {
    const a = architectureFromGguf({
      "general.architecture": "llama",
      "llama.block_count": 32n,
      "llama.attention.head_count": 32n,
      "llama.attention.head_count_kv": 8n,
      "llama.embedding_length": 4096n,
      "llama.context_length": 131072n,
    });
    expect(a).toEqual({ name: "llama", layers: 32, kvHeads: 8, headDim: 128, contextLength: 131072 });
    expect(architectureFromGguf({ "general.architecture": "llama" })).toBeNull();
    expect(architectureFromGguf({ "general.architecture": "../../x", "../../x.block_count": 1 })).toBeNull();
  });
});

describe("the total need", () => {
  it("adds 10% of the weights for the runtime, at least 512 MiB", () => {
    const a = architectureFromConfig(llama3_8b);
    if (!a) throw new Error("no architecture");
    const small = memoryNeed(4_000_000_000, a);
    expect(small.overheadBytes).toBe(512 * MiB);
    expect(small.totalBytes).toBe(4_000_000_000 + GiB + 512 * MiB);
    expect(memoryNeed(16_000_000_000, a, 4096).overheadBytes).toBe(1_600_000_000);
    expect(memoryNeed(16_000_000_000, a, 4096).kvCacheBytes).toBe(GiB / 2);
  });
});

describe("where it fits", () => {
  const need = 10e9;
  it("in one GPU, the smallest that holds it", () => {
    expect(fitOnNode(need, { gpus: [{ memory_bytes: 80e9 }, { memory_bytes: 24e9 }], memory_bytes: 64e9 })).toEqual({
      kind: "gpu",
      gpus: 1,
      availableBytes: 24e9,
    });
  });

  it("split across as few of the largest GPUs as hold it together", () => {
    const fit = fitOnNode(need, {
      gpus: [{ memory_bytes: 4e9 }, { memory_bytes: 8e9 }, { memory_bytes: 6e9 }],
      memory_bytes: 8e9,
    });
    expect(fit).toEqual({ kind: "gpu_split", gpus: 2, availableBytes: 14e9 });
  });

  it("in system memory only, or nowhere (with the largest memory measured against)", () => {
    expect(fitOnNode(need, { gpus: [], memory_bytes: 64e9 })).toEqual({ kind: "system_memory", availableBytes: 64e9 });
    expect(fitOnNode(need, { gpus: [{ memory_bytes: 4e9 }, { memory_bytes: null }], memory_bytes: 8e9 })).toEqual({
      kind: "too_large",
      availableBytes: 8e9,
    });
    expect(fitOnNode(need, { gpus: [], memory_bytes: null })).toEqual({ kind: "too_large", availableBytes: 0 });
  });
});
