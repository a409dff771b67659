// Literal contents of the small text files in the fixture repos. Kept apart from the
// repo list so fixtures.ts stays readable.

export const gitattributes = [
  "*.gguf filter=lfs diff=lfs merge=lfs -text",
  "*.safetensors filter=lfs diff=lfs merge=lfs -text",
  "*.bin filter=lfs diff=lfs merge=lfs -text",
  "*.onnx filter=lfs diff=lfs merge=lfs -text",
  "*.onnx_data filter=lfs diff=lfs merge=lfs -text",
  "",
].join("\n");

export function readme(title: string, body = "A tiny fixture model served by the fake Hub."): string {
  return `---\nlicense: apache-2.0\npipeline_tag: text-generation\n---\n\n# ${title}\n\n${body}\n`;
}

// A small but realistic llama config: consumers read architectures/model_type from it.
export function llamaConfig(overrides: Record<string, unknown> = {}): string {
  const config = {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    bos_token_id: 1,
    eos_token_id: 2,
    hidden_act: "silu",
    hidden_size: 256,
    intermediate_size: 688,
    initializer_range: 0.02,
    max_position_embeddings: 2048,
    num_attention_heads: 8,
    num_hidden_layers: 4,
    num_key_value_heads: 4,
    rms_norm_eps: 1e-5,
    rope_theta: 10000.0,
    tie_word_embeddings: false,
    torch_dtype: "bfloat16",
    transformers_version: "4.46.0",
    use_cache: true,
    vocab_size: 32000,
    ...overrides,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export const gpt2Config = `${JSON.stringify(
  {
    architectures: ["GPT2LMHeadModel"],
    model_type: "gpt2",
    n_ctx: 1024,
    n_embd: 768,
    n_head: 12,
    n_layer: 12,
    n_positions: 1024,
    vocab_size: 50257,
    bos_token_id: 50256,
    eos_token_id: 50256,
  },
  null,
  2,
)}\n`;

export const generationConfig = `${JSON.stringify(
  { _from_model_config: true, bos_token_id: 1, eos_token_id: 2, transformers_version: "4.46.0" },
  null,
  2,
)}\n`;

export const tokenizerJson = JSON.stringify({
  version: "1.0",
  truncation: null,
  padding: null,
  added_tokens: [
    { id: 0, content: "<unk>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    { id: 1, content: "<s>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    { id: 2, content: "</s>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
  ],
  normalizer: null,
  pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: false },
  post_processor: null,
  decoder: { type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: false },
  model: {
    type: "BPE",
    dropout: null,
    unk_token: "<unk>",
    fuse_unk: true,
    byte_fallback: true,
    vocab: { "<unk>": 0, "<s>": 1, "</s>": 2, "▁the": 3, "▁a": 4, he: 5, llo: 6 },
    merges: ["▁ t", "h e", "l lo"],
  },
});

export const tokenizerConfig = `${JSON.stringify(
  {
    add_bos_token: true,
    add_eos_token: false,
    bos_token: "<s>",
    eos_token: "</s>",
    unk_token: "<unk>",
    model_max_length: 2048,
    tokenizer_class: "LlamaTokenizer",
    chat_template: "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}</s>\n{% endfor %}",
  },
  null,
  2,
)}\n`;

export const specialTokensMap = `${JSON.stringify(
  { bos_token: "<s>", eos_token: "</s>", unk_token: "<unk>" },
  null,
  2,
)}\n`;

export const gpt2Vocab = JSON.stringify({ "!": 0, '"': 1, "#": 2, hello: 3, world: 4, "<|endoftext|>": 50256 });

export const gpt2Merges = "#version: 0.2\nĠ t\nĠ a\nh e\ni n\n";

// A safetensors index whose weight_map names the given shards (one tensor each).
export function safetensorsIndex(shards: string[], totalSize: number): string {
  const weightMap: Record<string, string> = {};
  shards.forEach((shard, i) => {
    weightMap[`layer.${i}`] = shard;
  });
  return JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap });
}
