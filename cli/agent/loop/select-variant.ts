// Which files of a manifest this node downloads (docs/fit.md): within the first format of
// the node's preference that the model offers complete, the best variant that fits the
// node's memory at its context (LLMLB_NODE_CONTEXT), by the need the server read from the
// model's headers: the largest that fits its GPUs, else the largest that fits its system
// memory. A format whose every variant is too large is passed over; when none is left the
// node reports `too_large` with the figures instead of downloading. Variants without a
// known need (older servers, unreadable headers) are chosen by file size as before.
import { formatContext } from "../../../lib/api/fit";
import { type Fit, fitOnNode, needAtContext } from "../../../lib/api/memory-need";
import { formatBytes } from "../../../lib/format/bytes";
import type { Manifest } from "../../lib/api-client";
import type { ModelFormat } from "../../lib/config";
import { GIT_SHA1_NAME } from "../cache/verify-blob";

export type ManifestVariant = Manifest["variants"][number];

export interface PlannedFile {
  path: string;
  /** null when the manifest lists the file in the variant but not among its artifacts. */
  size: number | null;
  sha256: string | null;
  /** The Hub's git blob id, for files without a sha256 (null where the manifest has none). */
  blobId: string | null;
}

export type VariantChoice =
  | { ok: true; variant: ManifestVariant; files: PlannedFile[] }
  | { ok: false; code: "unsupported" | "too_large"; message: string };

/** The node's memory as it announces it, and the context it serves models at. */
export interface NodeMemory {
  gpus: { memory_bytes: number }[];
  memoryBytes: number;
  context: number;
}

type Sized = { variant: ManifestVariant; need: number; fit: Fit };

/** Each candidate's need at the node's context (at most the model's own), or null when one is unknown. */
function sizeByNeed(candidates: ManifestVariant[], node: NodeMemory): Sized[] | null {
  const sized: Sized[] = [];
  for (const variant of candidates) {
    const m = variant.memory;
    if (!m || m.kv_bytes_per_token === null) return null;
    const need = needAtContext(m, Math.min(node.context, m.context_length ?? node.context));
    if (need === null) return null;
    sized.push({ variant, need, fit: fitOnNode(need, { gpus: node.gpus, memory_bytes: node.memoryBytes }) });
  }
  return sized;
}

/** The largest variant in GPU memory, else the largest in system memory, else null (all too large). */
function pickByNeed(sized: Sized[]): ManifestVariant | null {
  const largest = (list: Sized[]) => list.reduce<Sized | null>((a, b) => (a && a.need >= b.need ? a : b), null);
  const onGpu = largest(sized.filter((s) => s.fit.kind === "gpu" || s.fit.kind === "gpu_split"));
  return (onGpu ?? largest(sized.filter((s) => s.fit.kind === "system_memory")))?.variant ?? null;
}

function describeTooLarge(sized: Sized[], node: NodeMemory): string {
  const smallest = sized.reduce((a, b) => (a.need <= b.need ? a : b));
  const context = Math.min(node.context, smallest.variant.memory?.context_length ?? node.context);
  return `does not fit this node: its smallest variant ${smallest.variant.name} needs ${formatBytes(smallest.need)} at ${formatContext(context)} context; this node has ${describeMemory(node)}`;
}

/** When even the smallest variant's files exceed every memory the node has, whatever the KV cache. */
function weightsTooLarge(candidates: ManifestVariant[], node: NodeMemory): string | null {
  const smallest = candidates.reduce((a, b) => (a.size_bytes <= b.size_bytes ? a : b));
  const gpu = node.gpus.reduce((sum, g) => sum + g.memory_bytes, 0);
  if (smallest.size_bytes <= Math.max(gpu, node.memoryBytes)) return null;
  return `does not fit this node: the files of its smallest variant ${smallest.name} alone are ${formatBytes(smallest.size_bytes)} (its memory need is unknown); this node has ${describeMemory(node)}`;
}

function describeMemory(node: NodeMemory): string {
  const gpu = node.gpus.reduce((sum, g) => sum + g.memory_bytes, 0);
  return gpu > 0
    ? `${formatBytes(gpu)} of GPU memory and ${formatBytes(node.memoryBytes)} of system memory`
    : `${formatBytes(node.memoryBytes)} of memory`;
}

function pickForMemory(candidates: ManifestVariant[], memoryBytes: number | null | undefined) {
  if (candidates.length <= 1 || !memoryBytes) return candidates[0];
  const budget = memoryBytes * usableMemoryShare;
  const bySize = [...candidates].sort((a, b) => a.size_bytes - b.size_bytes);
  const fitting = bySize.filter((v) => v.size_bytes <= budget);
  return fitting.length ? fitting[fitting.length - 1] : bySize[0];
}

/** The formats a model offers, once each: "onnx", "gguf (incomplete), metal". */
function describeFormats(variants: ManifestVariant[]): string[] {
  const complete = new Map<string, boolean>();
  for (const v of variants) complete.set(v.format, (complete.get(v.format) ?? false) || v.complete);
  return [...complete].map(([format, any]) => (any ? format : `${format} (incomplete)`));
}

/** The reason a person reads names a few of a list, not all of it. */
function listSome(items: string[], shown = 6): string {
  const head = items.slice(0, shown).join(", ");
  return items.length > shown ? `${head} and ${items.length - shown} more` : head;
}

/** Weights need headroom for the KV cache and the runtime itself. */
const usableMemoryShare = 0.9;

export function selectVariant(
  manifest: Manifest,
  formats: readonly ModelFormat[],
  opts: { memoryBytes?: number | null; node?: NodeMemory } = {},
): VariantChoice {
  let tooLarge: string | null = null;
  for (const format of formats) {
    const candidates = manifest.variants.filter((v) => v.format === format && v.complete);
    if (candidates.length === 0) continue;
    const sized = opts.node ? sizeByNeed(candidates, opts.node) : null;
    let variant = sized ? pickByNeed(sized) : pickForMemory(candidates, opts.memoryBytes);
    if (sized && !variant && opts.node) tooLarge ??= describeTooLarge(sized, opts.node);
    // The need unknown (headers unreadable, an older server): the weights alone may say it cannot fit.
    const weightsOnly = !sized && opts.node ? weightsTooLarge(candidates, opts.node) : null;
    if (weightsOnly) {
      tooLarge ??= weightsOnly;
      variant = null;
    }
    if (!variant) continue;
    const artifacts = new Map(manifest.artifacts.map((a) => [a.filename, a]));
    const files = variant.files.map((path) => {
      const artifact = artifacts.get(path);
      const blobId = artifact?.blob_id ?? null;
      return {
        path,
        size: artifact?.size_bytes ?? null,
        sha256: artifact?.sha256 ?? null,
        blobId: blobId && GIT_SHA1_NAME.test(blobId) ? blobId : null,
      };
    });
    return { ok: true, variant, files };
  }
  if (tooLarge) return { ok: false, code: "too_large", message: tooLarge };
  // Short, and without the model's name: the console, the CLI and the log line name it already.
  const offers = manifest.variants.length > 0 ? listSome(describeFormats(manifest.variants)) : "no variant";
  return {
    ok: false,
    code: "unsupported",
    message: `no complete variant in a format this node loads (${formats.join(", ")}); the model offers ${offers}`,
  };
}
