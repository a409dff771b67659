// Real weight-file headers for the fake Hub: GGUF v3 and safetensors, written by hand
// (no dependency), small enough to read in one sitting. A fixture file carries one of
// these as its first bytes; the store generates the tensor data after it lazily, so a
// client that reads only the header (Range requests) sees a genuine file.
//
// GGUF v3, little-endian (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md):
//   "GGUF" | u32 version=3 | u64 tensor_count | u64 kv_count
//   kv_count × (string key | u32 value type | value)
//   tensor_count × (string name | u32 n_dims | u64 dims[n_dims] (ne0 first) | u32 ggml type | u64 offset)
//   zero padding to `alignment`; tensor data follows, each tensor's offset (relative to the
//   data start) aligned too.
//   A string is a u64 byte length then UTF-8 bytes; an array is u32 element type, u64 count,
//   then the elements.
//
// safetensors (https://github.com/huggingface/safetensors):
//   u64 N | N bytes of JSON {"__metadata__": {...}, name: {dtype, shape, data_offsets: [b, e]}}
//   (space-padded so 8 + N is a multiple of 8) | tensor data, offsets relative to its start.

// ---------------------------------------------------------------------------- GGUF

/** GGUF metadata value types (gguf.md, `gguf_metadata_value_type`). */
const GGUF_TYPE = { u16: 2, u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10 } as const;

/**
 * `count` strings made on demand, each exactly `width` UTF-8 bytes: the header's length is
 * then known without making them, so a multi-MB vocabulary costs nothing until read.
 */
export interface StringRun {
  count: number;
  width: number;
  at(i: number): string;
}

/** `count` numbers made on demand (their width is the array's element type). */
export interface NumberRun {
  count: number;
  at(i: number): number;
}

export type GgufValue =
  | { type: "u16" | "u32" | "i32" | "f32"; value: number }
  | { type: "u64"; value: number | bigint }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "string[]"; value: readonly string[] | StringRun }
  | { type: "u32[]" | "i32[]" | "f32[]"; value: readonly number[] | NumberRun };

export type GgufKv = { key: string } & GgufValue;

// One-line constructors, so a metadata list reads like llama.cpp's gguf-dump output.
export const u16 = (key: string, value: number): GgufKv => ({ key, type: "u16", value });
export const u32 = (key: string, value: number): GgufKv => ({ key, type: "u32", value });
export const i32 = (key: string, value: number): GgufKv => ({ key, type: "i32", value });
export const f32 = (key: string, value: number): GgufKv => ({ key, type: "f32", value });
export const u64 = (key: string, value: number | bigint): GgufKv => ({ key, type: "u64", value });
export const bool = (key: string, value: boolean): GgufKv => ({ key, type: "bool", value });
export const str = (key: string, value: string): GgufKv => ({ key, type: "string", value });
export const strings = (key: string, value: readonly string[] | StringRun): GgufKv => ({
  key,
  type: "string[]",
  value,
});
export const i32s = (key: string, value: readonly number[] | NumberRun): GgufKv => ({ key, type: "i32[]", value });
export const f32s = (key: string, value: readonly number[] | NumberRun): GgufKv => ({ key, type: "f32[]", value });

/** ggml tensor types: id, and bytes per block of `block` elements (ggml.c's type_traits). */
export const GGML_TYPES = {
  F32: { id: 0, block: 1, bytes: 4 },
  F16: { id: 1, block: 1, bytes: 2 },
  Q4_0: { id: 2, block: 32, bytes: 18 },
  Q8_0: { id: 8, block: 32, bytes: 34 },
  Q4_K: { id: 12, block: 256, bytes: 144 },
  Q5_K: { id: 13, block: 256, bytes: 176 },
  Q6_K: { id: 14, block: 256, bytes: 210 },
} as const;
export type GgmlType = keyof typeof GGML_TYPES;

/** A tensor-info entry. `shape` is in ggml order: ne0 (the row length) first. */
export interface GgufTensor {
  name: string;
  shape: number[];
  type: GgmlType;
}

/** A header to put at the start of a fixture file, and the file it implies. */
export interface WeightFile {
  /** The header bytes, or (GGUF) a function that builds them on first call, then caches them. */
  header: Buffer | (() => Buffer);
  headerBytes: number;
  /** Bytes of tensor data after the header. */
  dataBytes: number;
  /** headerBytes + dataBytes: the whole file. */
  size: number;
}

const alignUp = (n: number, to: number) => Math.ceil(n / to) * to;

export function ggmlTensorBytes(t: GgufTensor): number {
  const { block, bytes } = GGML_TYPES[t.type];
  if (t.shape[0] % block !== 0) throw new Error(`${t.name}: ne0 ${t.shape[0]} is not a multiple of ${block}`);
  const elements = t.shape.reduce((a, b) => a * b, 1);
  return (elements / block) * bytes;
}

/**
 * Walks the layout once to measure (no buffer) and once to write, so the two always agree.
 * Numbers past 2^53 do not occur in these fixtures; u64 fields take safe integers or bigints.
 */
class Sink {
  pos = 0;
  constructor(private readonly buf: Buffer | null) {}
  get writing(): boolean {
    return this.buf !== null;
  }
  u16(v: number) {
    this.buf?.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }
  u32(v: number) {
    this.buf?.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }
  i32(v: number) {
    this.buf?.writeInt32LE(v, this.pos);
    this.pos += 4;
  }
  f32(v: number) {
    this.buf?.writeFloatLE(v, this.pos);
    this.pos += 4;
  }
  u8(v: number) {
    this.buf?.writeUInt8(v, this.pos);
    this.pos += 1;
  }
  u64(v: number | bigint) {
    this.buf?.writeBigUInt64LE(BigInt(v), this.pos);
    this.pos += 8;
  }
  string(s: string, width = Buffer.byteLength(s)) {
    this.u64(width);
    if (this.buf && this.buf.write(s, this.pos, "utf8") !== width)
      throw new Error(`string is not ${width} bytes: ${s}`);
    this.pos += width;
  }
  /** Skips (measuring) or writes a run of generated strings. */
  stringRun(run: StringRun) {
    if (!this.buf) {
      this.pos += run.count * (8 + run.width);
      return;
    }
    for (let i = 0; i < run.count; i++) {
      const s = run.at(i);
      if (Buffer.byteLength(s) !== run.width) throw new Error(`StringRun item ${i} is not ${run.width} bytes: ${s}`);
      this.string(s, run.width);
    }
  }
}

const isStringRun = (v: readonly string[] | StringRun): v is StringRun => "count" in v;
const isNumberRun = (v: readonly number[] | NumberRun): v is NumberRun => "count" in v;

function writeNumbers(sink: Sink, type: "u32" | "i32" | "f32", value: readonly number[] | NumberRun) {
  const run: NumberRun = isNumberRun(value) ? value : { count: value.length, at: (i) => value[i] };
  sink.u32(GGUF_TYPE[type]);
  sink.u64(run.count);
  if (!sink.writing) {
    sink.pos += run.count * 4;
    return;
  }
  for (let i = 0; i < run.count; i++) sink[type](run.at(i));
}

function writeKv(sink: Sink, kv: GgufKv) {
  sink.string(kv.key);
  switch (kv.type) {
    case "u16":
    case "u32":
    case "i32":
    case "f32":
      sink.u32(GGUF_TYPE[kv.type]);
      sink[kv.type](kv.value);
      return;
    case "u64":
      sink.u32(GGUF_TYPE.u64);
      sink.u64(kv.value);
      return;
    case "bool":
      sink.u32(GGUF_TYPE.bool);
      sink.u8(kv.value ? 1 : 0);
      return;
    case "string":
      sink.u32(GGUF_TYPE.string);
      sink.string(kv.value);
      return;
    case "string[]": {
      sink.u32(GGUF_TYPE.array);
      sink.u32(GGUF_TYPE.string);
      if (isStringRun(kv.value)) {
        sink.u64(kv.value.count);
        sink.stringRun(kv.value);
      } else {
        sink.u64(kv.value.length);
        for (const s of kv.value) sink.string(s);
      }
      return;
    }
    case "u32[]":
    case "i32[]":
    case "f32[]":
      sink.u32(GGUF_TYPE.array);
      writeNumbers(sink, kv.type.slice(0, 3) as "u32" | "i32" | "f32", kv.value);
      return;
  }
}

/**
 * A GGUF v3 file: its header (metadata + tensor table, padded to `alignment`) and the size
 * of the tensor data after it (each tensor padded to `alignment`, as llama.cpp writes).
 * An alignment other than 32 is recorded as `general.alignment`, as the format requires.
 */
export function ggufFile(opts: {
  metadata: GgufKv[];
  tensors: GgufTensor[];
  alignment?: number;
}): WeightFile & { header: () => Buffer } {
  const alignment = opts.alignment ?? 32;
  const metadata = alignment === 32 ? opts.metadata : [...opts.metadata, u32("general.alignment", alignment)];
  const offsets: number[] = [];
  let dataBytes = 0;
  for (const t of opts.tensors) {
    offsets.push(dataBytes);
    dataBytes += alignUp(ggmlTensorBytes(t), alignment);
  }
  const layout = (sink: Sink) => {
    sink.u32(0x46554747); // "GGUF" read as a little-endian u32
    sink.u32(3);
    sink.u64(opts.tensors.length);
    sink.u64(metadata.length);
    for (const kv of metadata) writeKv(sink, kv);
    opts.tensors.forEach((t, i) => {
      sink.string(t.name);
      sink.u32(t.shape.length);
      for (const d of t.shape) sink.u64(d);
      sink.u32(GGML_TYPES[t.type].id);
      sink.u64(offsets[i]);
    });
  };
  const measure = new Sink(null);
  layout(measure);
  const headerBytes = alignUp(measure.pos, alignment);
  let built: Buffer | null = null;
  const header = () => {
    if (built) return built;
    const buf = Buffer.alloc(headerBytes); // zeroed: the padding
    const sink = new Sink(buf);
    layout(sink);
    if (sink.pos !== measure.pos) throw new Error(`GGUF header wrote ${sink.pos} bytes, measured ${measure.pos}`);
    built = buf;
    return buf;
  };
  return { header, headerBytes, dataBytes, size: headerBytes + dataBytes };
}

// ---------------------------------------------------------------------------- safetensors

export type SafetensorsDtype = "BF16" | "F16" | "F32" | "I64";
const DTYPE_BYTES: Record<SafetensorsDtype, number> = { BF16: 2, F16: 2, F32: 4, I64: 8 };

/** A tensor in PyTorch order ([out, in] for a Linear weight). */
export interface SafetensorsTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
}

export const safetensorsTensorBytes = (t: SafetensorsTensor) =>
  t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];

/** A safetensors file: its header (length + JSON), tensors laid out back to back in order. */
export function safetensorsFile(
  tensors: SafetensorsTensor[],
  metadata: Record<string, string> = { format: "pt" },
): WeightFile & { header: Buffer } {
  const table: Record<string, unknown> = { __metadata__: metadata };
  let at = 0;
  for (const t of tensors) {
    const end = at + safetensorsTensorBytes(t);
    table[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, end] };
    at = end;
  }
  const json = JSON.stringify(table);
  const n = alignUp(8 + Buffer.byteLength(json), 8) - 8;
  const header = Buffer.alloc(8 + n, " ");
  header.writeBigUInt64LE(BigInt(n), 0);
  header.write(json, 8, "utf8");
  return { header, headerBytes: header.length, dataBytes: at, size: header.length + at };
}

// ---------------------------------------------------------------------------- tensor tables

/** A Llama-family decoder's shape (Mistral and Qwen2 are the same table, Qwen2 with q/k/v biases). */
export interface DecoderShape {
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  ffn: number;
  vocab: number;
  /** Defaults to hidden / heads. */
  headDim?: number;
  /** Qwen2: attn_q/k/v carry a bias vector. */
  qkvBias?: boolean;
}

/**
 * llama.cpp's tensor table for the shape (names as convert_hf_to_gguf.py writes them).
 * Matrices are `quantType`, `output` is `outputType` (default the same), norms and biases F32.
 */
export function llamaGgufTensors(
  s: DecoderShape & { quantType: GgmlType; outputType?: GgmlType; embedType?: GgmlType },
): GgufTensor[] {
  const headDim = s.headDim ?? s.hidden / s.heads;
  const q = s.heads * headDim;
  const kv = s.kvHeads * headDim;
  const m = (name: string, ne0: number, ne1: number): GgufTensor => ({ name, shape: [ne0, ne1], type: s.quantType });
  const v = (name: string, n: number): GgufTensor => ({ name, shape: [n], type: "F32" });
  const out: GgufTensor[] = [
    { name: "token_embd.weight", shape: [s.hidden, s.vocab], type: s.embedType ?? s.quantType },
  ];
  for (let i = 0; i < s.layers; i++) {
    const b = `blk.${i}`;
    out.push(v(`${b}.attn_norm.weight`, s.hidden), m(`${b}.attn_q.weight`, s.hidden, q));
    if (s.qkvBias) out.push(v(`${b}.attn_q.bias`, q));
    out.push(m(`${b}.attn_k.weight`, s.hidden, kv));
    if (s.qkvBias) out.push(v(`${b}.attn_k.bias`, kv));
    out.push(m(`${b}.attn_v.weight`, s.hidden, kv));
    if (s.qkvBias) out.push(v(`${b}.attn_v.bias`, kv));
    out.push(
      m(`${b}.attn_output.weight`, q, s.hidden),
      v(`${b}.ffn_norm.weight`, s.hidden),
      m(`${b}.ffn_gate.weight`, s.hidden, s.ffn),
      m(`${b}.ffn_up.weight`, s.hidden, s.ffn),
      m(`${b}.ffn_down.weight`, s.ffn, s.hidden),
    );
  }
  out.push(v("output_norm.weight", s.hidden), {
    name: "output.weight",
    shape: [s.hidden, s.vocab],
    type: s.outputType ?? s.quantType,
  });
  return out;
}

/** transformers' tensor table for the shape (LlamaForCausalLM / MistralForCausalLM names), untied lm_head. */
export function llamaSafetensors(s: DecoderShape & { dtype: SafetensorsDtype }): SafetensorsTensor[] {
  const headDim = s.headDim ?? s.hidden / s.heads;
  const t = (name: string, ...shape: number[]): SafetensorsTensor => ({ name, dtype: s.dtype, shape });
  const out: SafetensorsTensor[] = [t("model.embed_tokens.weight", s.vocab, s.hidden)];
  for (let i = 0; i < s.layers; i++) {
    const p = `model.layers.${i}`;
    out.push(
      t(`${p}.input_layernorm.weight`, s.hidden),
      t(`${p}.self_attn.q_proj.weight`, s.heads * headDim, s.hidden),
      t(`${p}.self_attn.k_proj.weight`, s.kvHeads * headDim, s.hidden),
      t(`${p}.self_attn.v_proj.weight`, s.kvHeads * headDim, s.hidden),
      t(`${p}.self_attn.o_proj.weight`, s.hidden, s.heads * headDim),
      t(`${p}.post_attention_layernorm.weight`, s.hidden),
      t(`${p}.mlp.gate_proj.weight`, s.ffn, s.hidden),
      t(`${p}.mlp.up_proj.weight`, s.ffn, s.hidden),
      t(`${p}.mlp.down_proj.weight`, s.hidden, s.ffn),
    );
  }
  out.push(t("model.norm.weight", s.hidden), t("lm_head.weight", s.vocab, s.hidden));
  return out;
}

/**
 * Splits an ordered tensor list into `count` consecutive non-empty groups of about equal
 * bytes, as the sharding writers (transformers' save_pretrained, gguf-split) do.
 */
export function shardTensors<T>(tensors: T[], count: number, bytesOf: (t: T) => number): T[][] {
  if (tensors.length < count) throw new Error(`cannot split ${tensors.length} tensors into ${count} shards`);
  const total = tensors.reduce((n, t) => n + bytesOf(t), 0);
  const shards: T[][] = [[]];
  let done = 0;
  tensors.forEach((t, i) => {
    const open = shards[shards.length - 1];
    const remainingTensors = tensors.length - i;
    const remainingShards = count - shards.length;
    // Start the next shard once this one holds its share, but never leave a later shard empty.
    const full = done >= (total * shards.length) / count || remainingTensors <= remainingShards;
    if (open.length > 0 && remainingShards > 0 && full) shards.push([t]);
    else open.push(t);
    done += bytesOf(t);
  });
  return shards;
}

// ---------------------------------------------------------------------------- vocabularies

/** Token i as a 7-byte ASCII string ("tok" + 4 base-36 digits): up to 1,679,616 tokens. */
export function tokenRun(count: number): StringRun {
  return { count, width: 7, at: (i) => `tok${i.toString(36).padStart(4, "0")}` };
}

/** BPE merges "tokA tokB" (15 bytes), pairs drawn deterministically from a `vocab`-token run. */
export function mergeRun(count: number, vocab: number): StringRun {
  const token = tokenRun(vocab).at;
  return { count, width: 15, at: (i) => `${token((i * 7919) % vocab)} ${token((i * 104729 + 13) % vocab)}` };
}

/** llama.cpp token types: 1 = normal, 3 = control (the last `special` tokens). */
export function tokenTypeRun(count: number, special = 0): NumberRun {
  return { count, at: (i) => (i >= count - special ? 3 : 1) };
}
