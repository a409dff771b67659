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
}
