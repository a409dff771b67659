// The words the console uses for a fit (docs/fit.md), shared by the registration preview
// and the model page so a cell reads the same in both.
import { type FitReport, formatContext, type VariantFit } from "@/lib/api/fit";
import { type NeedFacts, needAtContext } from "@/lib/api/memory-need";
import { formatBytes } from "@/lib/format/bytes";

/** One node × variant cell: "1 GPU (24.0 GB)", "too large — needs 6.5 GB, has 4.0 GB". */
export function describeVariantFit(cell: VariantFit): string {
  const has = cell.available_bytes === null ? "" : ` (${formatBytes(cell.available_bytes)})`;
  switch (cell.fit) {
    case "gpu":
      return `1 GPU${has}`;
    case "gpu_split":
      return `split over ${cell.gpus ?? "several"} GPUs${has}`;
    case "system_memory":
      return `system memory only${has}`;
    case "too_large":
      return `too large — needs ${formatBytes(cell.need_bytes ?? 0)}, has ${formatBytes(cell.available_bytes ?? 0)}`;
    case "format_not_loaded":
      return "format not loaded";
    case "unknown":
      return "unknown";
  }
}

/** Neutral for every state a person need not act on; red only for "too large". */
export function variantFitTone(cell: VariantFit): string {
  if (cell.fit === "too_large") return "text-red-700 dark:text-red-400";
  if (cell.fit === "format_not_loaded" || cell.fit === "unknown") return "text-zinc-500 dark:text-zinc-400";
  return "text-zinc-900 dark:text-zinc-100";
}

/**
 * The headline of a report: "Fits on 3 of 4 online nodes at 8k context", "No node online to
 * compare with", or "Fit unknown: {reason}" when no complete variant's need is known.
 */
export function summarizeFit(report: FitReport): string {
  if (!report.smallest_need) return `Fit unknown: ${report.unknown_reason ?? "the need could not be worked out"}`;
  if (report.nodes === 0) return "No node online to compare with";
  const noun = report.nodes === 1 ? "node" : "nodes";
  return `Fits on ${report.fitting_nodes} of ${report.nodes} online ${noun} at ${formatContext(report.context)} context`;
}

/** 8,030,261,248 → "8.0B", 494,032,768 → "494M". */
export function formatParameters(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(1)}B`;
  if (count >= 1e6) return `${Math.round(count / 1e6)}M`;
  if (count >= 1e3) return `${Math.round(count / 1e3)}K`;
  return String(count);
}

/** What a variant needs at `context` tokens, part by part; null when its KV cache cost is unknown. */
export function needParts(memory: NeedFacts, context: number) {
  const total = needAtContext(memory, context);
  if (total === null || memory.kv_bytes_per_token === null) return null;
  const kvCache = memory.kv_bytes_per_token * context;
  return { weights: memory.weight_bytes, kvCache, overhead: total - memory.weight_bytes - kvCache, total };
}
