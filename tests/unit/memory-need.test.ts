// The memory a model needs and where it fits, against figures worked out by hand for
// known shapes (issue 14). KV cache per token = 2 (K and V) × layers × KV heads × head
// dimension × 2 bytes (f16).
import { describe, expect, it } from "vitest";
import {
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
