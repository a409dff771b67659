// What a model needs in memory and where it fits (docs/fit.md), as `llmlb model add` and
// `llmlb model show` print it: the need line, the fit summary and the node × variant cells.
import { type FitReport, formatContext } from "../../lib/api/fit";
import { OVERHEAD_MIN_BYTES, overheadFor } from "../../lib/api/memory-need";
import type { Variant } from "../../lib/api/model-schemas";
import { formatBytes } from "../../lib/format/bytes";
import { plural } from "./display";

export { formatContext };

type VariantFit = FitReport["details"][number]["variants"][number];
type Memory = NonNullable<Variant["memory"]>;

/** The overhead's floor reads as the rule states it ("512 MiB"); anything above it in decimal units. */
export function formatOverhead(bytes: number): string {
  return bytes === OVERHEAD_MIN_BYTES ? "512 MiB" : formatBytes(bytes);
}

/** 8,030,261,248 → "8.0B", 494,032,768 → "494M". */
export function formatParameters(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${Math.round(n / 1e6)}M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)}K`;
  return String(n);
}

/** A variant's need at `context` split in its parts; null when its KV cache is unknown. */
export function needParts(
  m: Memory,
  context: number,
): { weights: number; kvCache: number; overhead: number; total: number } | null {
  if (m.kv_bytes_per_token === null) return null;
  const kvCache = m.kv_bytes_per_token * context;
  const overhead = overheadFor(m.weight_bytes);
  return { weights: m.weight_bytes, kvCache, overhead, total: m.weight_bytes + kvCache + overhead };
}

/**
 * "Needs: 6.5 GB at 8k context (gguf:Q4_K_M: 4.9 GB weights + 1.1 GB KV cache + 512 MiB overhead)",
 * for the report's smallest need; null when the need is unknown.
 */
export function needLine(fit: FitReport, variants: Variant[]): string | null {
  const smallest = fit.smallest_need;
  if (!smallest) return null;
  const head = `Needs: ${formatBytes(smallest.bytes)} at ${formatContext(fit.context)} context`;
  const memory = variants.find((v) => v.name === smallest.variant)?.memory;
  const parts = memory ? needParts(memory, fit.context) : null;
  if (!parts) return `${head} (${smallest.variant})`;
  return `${head} (${smallest.variant}: ${formatBytes(parts.weights)} weights + ${formatBytes(parts.kvCache)} KV cache + ${formatOverhead(parts.overhead)} overhead)`;
}

/** "Fits: 3 of 4 online nodes", "Fit unknown: {reason}" or "No node online to compare with". */
export function fitLine(fit: FitReport): string {
  if (!fit.smallest_need) return `Fit unknown: ${fit.unknown_reason ?? "the model's metadata gives no memory need"}`;
  if (fit.nodes === 0) return "No node online to compare with";
  return `Fits: ${fit.fitting_nodes} of ${plural(fit.nodes, "online node")}`;
}

/** One cell of the node × variant table. */
export function fitCell(v: VariantFit): string {
  switch (v.fit) {
    case "gpu":
      return "1 GPU";
    case "gpu_split":
      return `${v.gpus ?? "several"} GPUs (split)`;
    case "system_memory":
      return "RAM only";
    case "too_large":
      return v.need_bytes !== null && v.available_bytes !== null
        ? `too large (needs ${formatBytes(v.need_bytes)}, has ${formatBytes(v.available_bytes)})`
        : "too large";
    case "format_not_loaded":
      return "format not loaded";
    default:
      return "unknown";
  }
}
