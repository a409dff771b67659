// Which files of a manifest this node downloads: within the first format of the
// node's preference that the model offers complete, the best variant the node's
// memory holds (the largest that fits, i.e. the most bits per weight), else the
// smallest; or a reason why no format fits.
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
  | { ok: false; message: string };

function pickForMemory(candidates: ManifestVariant[], memoryBytes: number | null | undefined) {
  if (candidates.length <= 1 || !memoryBytes) return candidates[0];
  const budget = memoryBytes * usableMemoryShare;
  const bySize = [...candidates].sort((a, b) => a.size_bytes - b.size_bytes);
  const fitting = bySize.filter((v) => v.size_bytes <= budget);
  return fitting.length ? fitting[fitting.length - 1] : bySize[0];
}

function describeVariant(v: ManifestVariant): string {
  return v.complete ? `${v.name} (${v.format})` : `${v.name} (${v.format}, incomplete)`;
}

/** A repo may offer dozens of variants; the reason a person reads names a few. */
function listSome(items: string[], shown = 6): string {
  const head = items.slice(0, shown).join(", ");
  return items.length > shown ? `${head} and ${items.length - shown} more` : head;
}

/** Weights need headroom for the KV cache and the runtime itself. */
const usableMemoryShare = 0.9;

export function selectVariant(
  manifest: Manifest,
  formats: readonly ModelFormat[],
  opts: { memoryBytes?: number | null } = {},
): VariantChoice {
  for (const format of formats) {
    const candidates = manifest.variants.filter((v) => v.format === format && v.complete);
    const variant = pickForMemory(candidates, opts.memoryBytes);
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
  const offers = manifest.variants.length > 0 ? listSome(manifest.variants.map(describeVariant)) : "no variant";
  return {
    ok: false,
    message: `no complete variant in a format this node loads (${formats.join(", ")}); ${manifest.model} offers: ${offers}`,
  };
}
