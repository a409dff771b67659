// Which files of a manifest this node downloads: the first complete variant in the
// node's format preference order (manifest order breaks ties), or a reason why none fits.
import type { Manifest } from "../lib/api-client";
import type { ModelFormat } from "../lib/config";

export type ManifestVariant = Manifest["variants"][number];

export interface PlannedFile {
  path: string;
  /** null when the manifest lists the file in the variant but not among its artifacts. */
  size: number | null;
  sha256: string | null;
}

export type VariantChoice =
  | { ok: true; variant: ManifestVariant; files: PlannedFile[] }
  | { ok: false; message: string };

function describeVariant(v: ManifestVariant): string {
  return v.complete ? `${v.name} (${v.format})` : `${v.name} (${v.format}, incomplete)`;
}

export function selectVariant(manifest: Manifest, formats: readonly ModelFormat[]): VariantChoice {
  for (const format of formats) {
    const variant = manifest.variants.find((v) => v.format === format && v.complete);
    if (!variant) continue;
    const artifacts = new Map(manifest.artifacts.map((a) => [a.filename, a]));
    const files = variant.files.map((path) => {
      const artifact = artifacts.get(path);
      return { path, size: artifact?.size_bytes ?? null, sha256: artifact?.sha256 ?? null };
    });
    return { ok: true, variant, files };
  }
  const offers = manifest.variants.length > 0 ? manifest.variants.map(describeVariant).join(", ") : "no variant";
  return {
    ok: false,
    message: `no complete variant in a format this node loads (${formats.join(", ")}); ${manifest.model} offers: ${offers}`,
  };
}
