// What a Hugging Face file name says about the weights: the quantization label and,
// for split checkpoints, the shard position. GGUF names follow llama.cpp's
// `llama-quantize` types (plus unsloth's "UD-" dynamic quants); ONNX exports follow
// the transformers.js / optimum suffixes.

// One pattern instead of a fixed list so new K/IQ sub-types (e.g. Q6_K_XL) are
// recognised without a code change. Alternation order matters: longer tokens first.
const GGUF_QUANT_BODY = [
  "IQ[1-4]_(?:XXS|XS|NL|S|M)",
  "Q[2-8]_K(?:_(?:XL|S|M|L))?",
  "Q[4-8]_[01](?:_[48]_[48])?",
  "TQ[12]_0",
  "MXFP4(?:_MOE)?",
  "BF16",
  "FP16",
  "F16",
  "FP32",
  "F32",
].join("|");

// A quant is a whole token: bounded by the name's start/end or a `.`, `-`, `_`.
const GGUF_QUANT = new RegExp(`(?<=^|[._-])((?:UD[-_])?(?:${GGUF_QUANT_BODY}))(?=$|[._-])`, "gi");

const ONNX_QUANT = /_(fp16|int8|quantized|uint8|q4f16|q4|bnb4)$/i;
const ONNX_QUANT_LABELS: Record<string, string> = {
  fp16: "F16",
  int8: "INT8",
  quantized: "INT8",
  uint8: "UINT8",
  q4f16: "Q4F16",
  q4: "Q4",
  bnb4: "BNB4",
};

/** Canonical spelling of a quant label: upper-case, FP16 → F16, "UD_" → "UD-". */
export function normalizeQuant(label: string): string {
  const upper = label.trim().toUpperCase().replace(/^UD_/, "UD-");
  const body = upper.replace(/^UD-/, "");
  const canonical = body === "FP16" ? "F16" : body === "FP32" ? "F32" : body;
  return upper.startsWith("UD-") ? `UD-${canonical}` : canonical;
}

function stripExtension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

function findQuantInSegment(segment: string): string | null {
  // Every label has a Q, F or P right before a digit (IQ2, Q4_K, TQ1, F16, BF16, MXFP4): a
  // cheap test spares most names the regex, which counts over 200,000-file repositories.
  if (!/[qfp]\d/i.test(segment)) return null;
  const matches = [...segment.matchAll(GGUF_QUANT)];
  // The quant is conventionally the suffix of a name, so the last token wins.
  const last = matches.at(-1);
  return last ? normalizeQuant(last[1]) : null;
}

/**
 * Quant label from a file path, e.g. "tiny-llama.Q4_K_M.gguf" → "Q4_K_M".
 * Looks at the file name first, then at the folders from the innermost out,
 * because split repos often name only the folder ("Q4_K_M/model-00001-of-00002.gguf").
 */
export function parseQuant(path: string): string | null {
  const segments = path.split("/").filter(Boolean);
  const file = segments.pop();
  if (file === undefined) return null;
  const fromFile = findQuantInSegment(stripExtension(file));
  if (fromFile) return fromFile;
  for (const folder of segments.reverse()) {
    const fromFolder = findQuantInSegment(folder);
    if (fromFolder) return fromFolder;
  }
  return null;
}

/** Quant of an ONNX export or its external data file ("model_q4f16.onnx_data" → "Q4F16"). */
export function parseOnnxQuant(path: string): string | null {
  const file = path.split("/").at(-1) ?? "";
  const stem = file.replace(/\.onnx(?:_data(?:_\d+)?|\.data)?$/i, "");
  const match = ONNX_QUANT.exec(stem);
  return match ? ONNX_QUANT_LABELS[match[1].toLowerCase()] : null;
}

export interface ShardName {
  /** Folder and stem shared by every shard of the set, e.g. "Q4_K_M/big-model-Q4_K_M". */
  prefix: string;
  index: number;
  total: number;
  ext: string;
}

const SHARD = /^(.*)-(\d{5})-of-(\d{5})\.(gguf|safetensors)$/i;

/** Reads `{prefix}-0000k-of-0000n.{gguf|safetensors}`; null for anything else. */
export function parseShard(path: string): ShardName | null {
  const m = SHARD.exec(path);
  if (!m) return null;
  const index = Number(m[2]);
  const total = Number(m[3]);
  // "-00000-of-00000" or "-00004-of-00003" is a name, not a shard set anyone can complete.
  if (total < 1 || index < 1 || index > total) return null;
  return { prefix: m[1], index, total, ext: m[4] };
}

export function formatShardName({ prefix, index, total, ext }: ShardName): string {
  return `${prefix}-${String(index).padStart(5, "0")}-of-${String(total).padStart(5, "0")}.${ext}`;
}
