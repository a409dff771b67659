// Where a model fits (docs/fit.md): each online node × each complete variant, at one context
// length, by the rule in memory-need.ts. Pure: the server computes it for the preview, the
// model page and `llmlb model show`; the agent decides by the same numbers.
import { formatBytes } from "../format/bytes";
import { DEFAULT_CONTEXT, type Fit, fitOnNode, type NeedFacts, needAtContext } from "./memory-need";

export interface FitVariant {
  name: string;
  format: string;
  complete: boolean;
  memory?: (NeedFacts & { context_length: number | null; unknown_reason: string | null }) | null;
}

export interface FitNode {
  name: string;
  formats: string[];
  gpus: { memory_bytes?: number | null }[];
  memory_bytes: number | null;
}

export type FitKind = Fit["kind"] | "unknown" | "format_not_loaded";

export interface VariantFit {
  variant: string;
  fit: FitKind;
  /** GPUs used: 1 for one GPU, more when split; null off the GPU. */
  gpus: number | null;
  need_bytes: number | null;
  /** The memory the need was measured against; null when nothing was compared. */
  available_bytes: number | null;
}

export interface NodeFit {
  node: string;
  /** True when some variant in a format the node loads fits its GPUs or system memory. */
  fits: boolean;
  variants: VariantFit[];
}

export interface FitReport {
  context: number;
  /** Online nodes compared, and how many of them can hold some variant. */
  nodes: number;
  fitting_nodes: number;
  /** The smallest total need among complete variants, at `context`; null when unknown. */
  smallest_need: { variant: string; bytes: number } | null;
  /** Why the need is unknown, when no complete variant has one. */
  unknown_reason: string | null;
  details: NodeFit[];
  /** A sentence for a person when no online node that loads its formats can hold it, with the figures; null otherwise. */
  warning: string | null;
}

/** The model's own context length, where its metadata says. */
function modelContext(variants: FitVariant[]): number | null {
  return variants.map((v) => v.memory?.context_length).find((c): c is number => typeof c === "number" && c > 0) ?? null;
}

/** The context a report is stated at when nobody picks one: the model's own, at most 8,192. */
export function defaultFitContext(variants: FitVariant[]): number {
  return Math.min(modelContext(variants) ?? DEFAULT_CONTEXT, DEFAULT_CONTEXT);
}

/**
 * The report at `asked` tokens (default: defaultFitContext), at most the model's own context
 * (no runtime serves a model past it, and agents cap there too); `context` says which it was.
 */
export function fitReport(variants: FitVariant[], nodes: FitNode[], asked?: number): FitReport {
  const own = modelContext(variants);
  const context = asked === undefined ? defaultFitContext(variants) : Math.min(asked, own ?? asked);
  const complete = variants.filter((v) => v.complete);
  const needs = new Map(complete.map((v) => [v.name, v.memory ? needAtContext(v.memory, context) : null]));
  let smallest: { variant: string; bytes: number } | null = null;
  for (const [variant, bytes] of needs) {
    if (bytes !== null && (!smallest || bytes < smallest.bytes)) smallest = { variant, bytes };
  }
  const details = nodes.map((node): NodeFit => {
    const fits = complete.map((v): VariantFit => {
      const need = needs.get(v.name) ?? null;
      if (!node.formats.includes(v.format)) {
        return { variant: v.name, fit: "format_not_loaded", gpus: null, need_bytes: need, available_bytes: null };
      }
      if (need === null)
        return { variant: v.name, fit: "unknown", gpus: null, need_bytes: null, available_bytes: null };
      const fit = fitOnNode(need, node);
      const gpus = fit.kind === "gpu" || fit.kind === "gpu_split" ? fit.gpus : null;
      return { variant: v.name, fit: fit.kind, gpus, need_bytes: need, available_bytes: fit.availableBytes };
    });
    const holds = fits.some((f) => f.fit === "gpu" || f.fit === "gpu_split" || f.fit === "system_memory");
    return { node: node.name, fits: holds, variants: fits };
  });
  const unknownReason = smallest
    ? null
    : (complete.map((v) => v.memory?.unknown_reason).find(Boolean) ??
      "the model's metadata was not read (registered before fit was known)");
  const fitting = details.filter((d) => d.fits).length;
  // A node that loads none of the model's formats says nothing about its size.
  const loading = nodes.filter((n) => complete.some((v) => n.formats.includes(v.format)));
  return {
    context,
    nodes: nodes.length,
    fitting_nodes: fitting,
    smallest_need: smallest,
    unknown_reason: unknownReason,
    details,
    warning: smallest && fitting === 0 && loading.length > 0 ? tooLargeWarning(smallest.bytes, context, loading) : null,
  };
}

/** "needs 43 GB at 8k context; the largest node has 24 GB of GPU memory (and 32 GB of system memory)". */
function tooLargeWarning(need: number, context: number, nodes: FitNode[]): string {
  let gpu = 0;
  let ram = 0;
  for (const node of nodes) {
    gpu = Math.max(
      gpu,
      node.gpus.reduce((sum, g) => sum + (g.memory_bytes ?? 0), 0),
    );
    ram = Math.max(ram, node.memory_bytes ?? 0);
  }
  const largest =
    gpu > 0
      ? `the largest node has ${formatBytes(gpu)} of GPU memory${ram > 0 ? ` and ${formatBytes(ram)} of system memory` : ""}`
      : `the largest node has ${formatBytes(ram)} of memory`;
  return `It needs ${formatBytes(need)} at ${formatContext(context)} context; ${largest}: no online node can hold it.`;
}

/** 8192 → "8k", 131072 → "128k", 1000 → "1000". */
export function formatContext(tokens: number): string {
  return tokens % 1024 === 0 ? `${tokens / 1024}k` : String(tokens);
}
