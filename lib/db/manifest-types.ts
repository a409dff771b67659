// The manifest as a model row stores it (the JSONB columns `variants` and `artifacts`).
// Defined beside the schema so that lib/db imports nothing from the domain; the
// registry builds values of these types (lib/registry/build-manifest.ts).

export type ArtifactFormat = "safetensors" | "gguf" | "metal" | "onnx" | "other";
export type ArtifactRole = "weights" | "index" | "config" | "tokenizer" | "aux";

export interface Artifact {
  filename: string;
  format: ArtifactFormat;
  size_bytes: number;
  sha256: string | null;
  /**
   * The git blob sha1 the Hub reports (of the bytes, or of the LFS pointer), null where it
   * has none; absent from registrations stored before it was kept (served as null).
   */
  blob_id?: string | null;
  /** Name of the variant this file belongs to; null for auxiliary files (mmproj) used by no single variant. */
  variant: string | null;
  role: ArtifactRole;
  quant?: string;
}

export interface Variant {
  name: string;
  format: Exclude<ArtifactFormat, "other">;
  quant: string | null;
  size_bytes: number;
  complete: boolean;
  /** What keeps it from being complete, for people: a few names, then "and N more". */
  missing: string[];
  files: string[];
  memory?: VariantMemory;
}

/**
 * What a variant needs in memory (docs/fit.md): its weights, what the KV cache costs per
 * token, and the total at a stated context. Read at registration from config.json and the
 * weight files' headers; absent on variants registered before, so readers take it as unknown.
 */
export interface VariantMemory {
  /** model_type or general.architecture, e.g. "llama". */
  architecture: string | null;
  parameters: number | null;
  /** The weights' data type or quantization: "BF16", "Q4_K_M". */
  dtype: string | null;
  /** The longest context the model takes; null when its metadata does not say. */
  context_length: number | null;
  /** Bytes of f16 KV cache per token of context; null when the architecture is unknown. */
  kv_bytes_per_token: number | null;
  /** The bytes of the variant's weight files (tokenizer and config files left out). */
  weight_bytes: number;
  /** The total at `context` (the model's, at most 8,192 tokens): weights + KV cache + overhead. */
  need: { context: number; kv_cache_bytes: number; overhead_bytes: number; total_bytes: number } | null;
  /** Why `need` is unknown (headers unreadable, no config); null when it is known. */
  unknown_reason: string | null;
}

/** What listings say of a model's memory (`/v1/models`): its context, and its smallest complete variant's need. */
export interface MemorySummary {
  context_length: number | null;
  need: { variant: string; bytes: number; context: number } | null;
}

/** Kept beside the variants on the row, so a listing never reads the manifest. */
export function summarizeMemory(variants: Variant[]): MemorySummary {
  let need: MemorySummary["need"] = null;
  let context_length: number | null = null;
  for (const v of variants) {
    const m = v.memory;
    if (!m) continue;
    context_length ??= m.context_length;
    if (v.complete && m.need && (!need || m.need.total_bytes < need.bytes)) {
      need = { variant: v.name, bytes: m.need.total_bytes, context: m.need.context };
    }
  }
  return { context_length, need };
}
