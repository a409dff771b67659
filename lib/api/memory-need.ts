// What a model needs in memory, and where that fits (issue 14): the weights, the KV cache
// at a context length, and a stated overhead, from the architecture a model's metadata
// gives (a transformers config.json, or a GGUF header's key/value metadata). Shared by the
// server (preview, manifest, fit per node) and the agent (choosing a variant), so both
// decide by the same numbers. Pure: no I/O.

/** The shape that decides the KV cache: what attention keeps per token. */
export interface Architecture {
  /** model_type (config.json) or general.architecture (GGUF), e.g. "llama"; null when unnamed. */
  name: string | null;
  layers: number;
  /** Key/value heads (fewer than attention heads with grouped-query attention). */
  kvHeads: number;
  /** Dimension of one key head (and value head, unless `valueDim` says otherwise). */
  headDim: number;
  /** Dimension of one value head where it differs from a key head's (GGUF `attention.value_length`). */
  valueDim?: number;
  /**
   * Multi-head latent attention (DeepSeek V2/V3): per layer and token the cache holds one
   * compressed latent (kv_lora_rank) and the rotary key part, not keys and values per head.
   */
  latentDim?: number;
  /** The longest context the model was trained for; null when the metadata does not say. */
  contextLength: number | null;
}

/** The context a need is stated at when nobody picks one: the model's own, at most 8,192 tokens. */
export const DEFAULT_CONTEXT = 8192;

/** KV cache elements are 16-bit (f16/bf16): what llama.cpp and vLLM use unless told otherwise. */
const KV_BYTES_PER_ELEMENT = 2;

/** The runtime's own memory (compute buffers, CUDA context): 10% of the weights, at least 512 MiB. */
export const OVERHEAD_MIN_BYTES = 512 * 1024 * 1024;
export const OVERHEAD_SHARE = 0.1;

/** The runtime's overhead for `weightBytes` of weights: 10% of them, at least 512 MiB. */
export function overheadFor(weightBytes: number): number {
  return Math.max(OVERHEAD_MIN_BYTES, Math.round(weightBytes * OVERHEAD_SHARE));
}

/** Bytes the KV cache holds per token of context: keys and values, every layer, every KV head. */
export function kvCacheBytesPerToken(a: Architecture): number {
  if (a.latentDim) return a.layers * a.latentDim * KV_BYTES_PER_ELEMENT;
  return a.layers * a.kvHeads * (a.headDim + (a.valueDim ?? a.headDim)) * KV_BYTES_PER_ELEMENT;
}

export function defaultContext(a: Architecture | null): number {
  return Math.min(a?.contextLength ?? DEFAULT_CONTEXT, DEFAULT_CONTEXT);
}

export interface MemoryNeed {
  context: number;
  weightBytes: number;
  kvCacheBytes: number;
  overheadBytes: number;
  totalBytes: number;
}

/** Weights + KV cache at `context` tokens + the overhead rule above. */
export function memoryNeed(weightBytes: number, a: Architecture, context = defaultContext(a)): MemoryNeed {
  const kvCacheBytes = kvCacheBytesPerToken(a) * context;
  const overheadBytes = overheadFor(weightBytes);
  return { context, weightBytes, kvCacheBytes, overheadBytes, totalBytes: weightBytes + kvCacheBytes + overheadBytes };
}

const positiveInt = (v: unknown): number | null =>
  typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : null;

/**
 * The architecture a transformers config.json describes, or null when it lacks what the
 * KV cache needs. Multimodal configs keep the language model in `text_config`.
 */
export function architectureFromConfig(config: unknown): Architecture | null {
  if (!config || typeof config !== "object") return null;
  const c = config as Record<string, unknown>;
  const text = c.text_config && typeof c.text_config === "object" ? (c.text_config as Record<string, unknown>) : c;
  const layers = positiveInt(text.num_hidden_layers ?? text.n_layer ?? text.num_layers);
  const heads = positiveInt(text.num_attention_heads ?? text.n_head);
  const hidden = positiveInt(text.hidden_size ?? text.n_embd ?? text.d_model);
  if (!layers || !heads || !hidden) return null;
  // Falcon says multi_query (one KV head) or num_kv_heads; most others num_key_value_heads.
  const kvHeads = positiveInt(text.num_key_value_heads ?? text.num_kv_heads) ?? (text.multi_query === true ? 1 : heads);
  const headDim = positiveInt(text.head_dim) ?? (hidden % heads === 0 ? hidden / heads : null);
  if (!headDim || kvHeads > heads) return null;
  const lora = positiveInt(text.kv_lora_rank);
  const rope = positiveInt(text.qk_rope_head_dim);
  const name = typeof (text.model_type ?? c.model_type) === "string" ? String(text.model_type ?? c.model_type) : null;
  return {
    name,
    layers,
    kvHeads,
    headDim,
    ...(lora && rope ? { latentDim: lora + rope } : {}),
    contextLength: positiveInt(text.max_position_embeddings ?? text.n_positions ?? text.n_ctx),
  };
}

/**
 * The architecture a GGUF header's metadata describes (keys as llama.cpp writes them:
 * `general.architecture`, then `{arch}.block_count`, `{arch}.attention.head_count[_kv]`,
 * `{arch}.embedding_length`, `{arch}.attention.key_length`, `{arch}.context_length`).
 * Numbers may come as bigint from a parser. Null when a needed key is missing.
 */
export function architectureFromGguf(metadata: Record<string, unknown>): Architecture | null {
  const arch = metadata["general.architecture"];
  if (typeof arch !== "string" || !/^[\w.-]{1,64}$/.test(arch)) return null;
  const num = (key: string): number | null => {
    const v = metadata[`${arch}.${key}`];
    return positiveInt(typeof v === "bigint" ? Number(v) : Array.isArray(v) ? Math.max(...v.map(Number)) : v);
  };
  const layers = num("block_count");
  const heads = num("attention.head_count");
  const hidden = num("embedding_length");
  if (!layers || !heads || !hidden) return null;
  const kvHeads = num("attention.head_count_kv") ?? heads;
  const headDim = num("attention.key_length") ?? (hidden % heads === 0 ? hidden / heads : null);
  if (!headDim || kvHeads > heads) return null;
  const valueDim = num("attention.value_length");
  const lora = num("attention.kv_lora_rank");
  const rope = num("rope.dimension_count");
  return {
    name: arch,
    layers,
    kvHeads,
    headDim,
    ...(valueDim && valueDim !== headDim ? { valueDim } : {}),
    ...(lora && rope ? { latentDim: lora + rope } : {}),
    contextLength: num("context_length"),
  };
}

/** A node's memory as it announces it. */
export interface NodeMemory {
  gpus: { memory_bytes?: number | null }[];
  memory_bytes: number | null;
}

export type Fit =
  | { kind: "gpu"; gpus: 1; availableBytes: number }
  | { kind: "gpu_split"; gpus: number; availableBytes: number }
  | { kind: "system_memory"; availableBytes: number }
  | { kind: "too_large"; availableBytes: number };

/**
 * Where `needBytes` fits on a node: in one GPU (the smallest that holds it), split across
 * its largest GPUs (as few as hold it together), in system memory only, or nowhere.
 * `availableBytes` is the memory it was measured against (the largest when it does not fit).
 */
export function fitOnNode(needBytes: number, node: NodeMemory): Fit {
  const gpus = node.gpus
    .map((g) => g.memory_bytes ?? 0)
    .filter((m) => m > 0)
    .sort((a, b) => a - b);
  const one = gpus.find((m) => m >= needBytes);
  if (one !== undefined) return { kind: "gpu", gpus: 1, availableBytes: one };
  let sum = 0;
  for (let i = gpus.length - 1; i >= 0; i--) {
    sum += gpus[i] ?? 0;
    if (sum >= needBytes && gpus.length - i > 1)
      return { kind: "gpu_split", gpus: gpus.length - i, availableBytes: sum };
  }
  const ram = node.memory_bytes ?? 0;
  if (ram >= needBytes) return { kind: "system_memory", availableBytes: ram };
  return { kind: "too_large", availableBytes: Math.max(sum, ram) };
}

/** What a variant's memory record gives: its weights and what a token of context costs. */
export interface NeedFacts {
  weight_bytes: number;
  kv_bytes_per_token: number | null;
}

/** The total a variant needs at `context` tokens (the same rule as memoryNeed), or null when unknown. */
export function needAtContext(m: NeedFacts, context: number): number | null {
  if (m.kv_bytes_per_token === null) return null;
  return m.weight_bytes + m.kv_bytes_per_token * context + overheadFor(m.weight_bytes);
}
