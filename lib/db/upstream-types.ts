// What the models row stores about the upstream revision it follows (docs/upstream.md).
// Beside the schema so that lib/db imports nothing from the domain.

/** `manual`: detect and show, an admin decides; `auto`: stage at once and promote when ready; `off`: never checked. */
export type FollowPolicy = "manual" | "auto" | "off";

/** `current`: the head is the pinned commit; `update_available`: it moved; `gone`: it cannot be followed (reason says why). */
export type UpstreamState = "current" | "update_available" | "gone";

/** Why upstream is gone: not_found, revision_not_found, renamed, gated, disabled, or the error code that broke the new manifest. */
export interface UpstreamReason {
  code: string;
  message: string;
}

/** A check that could not be made: the Hub's error code and message, and when. */
export interface UpstreamCheckError {
  code: string;
  message: string;
  at: string;
}

export interface UpstreamFileChange {
  filename: string;
  /** The variant it belongs to at the new commit (or, removed, at the pinned one); null for auxiliary files. */
  variant: string | null;
  size_bytes: number;
  /** Changed: its size at the pinned commit. */
  old_size_bytes?: number;
}

export interface UpstreamVariantDiff {
  name: string;
  change: "added" | "removed" | "changed" | "unchanged";
  /** Bytes a node holding this variant downloads to move: its changed and new files. */
  download_bytes: number;
  /** The variant's size at the new commit (at the pinned one, when removed). */
  size_bytes: number;
  complete: boolean;
}

export interface UpstreamDiff {
  from: string;
  to: string;
  added: UpstreamFileChange[];
  removed: UpstreamFileChange[];
  changed: UpstreamFileChange[];
  /** Counts of all files, when the lists above were cut to `listed_max` each. */
  counts: { added: number; removed: number; changed: number; unchanged: number };
  listed_max: number;
  variants: UpstreamVariantDiff[];
}

/**
 * A commit's manifest kept beside the current one (docs/upstream.md): the candidate a staged
 * update rolls out, or the previous commit kept for a rollback.
 */
export interface KeptCommit {
  commit: string;
  size_bytes: number;
  formats: string[];
  warnings: string[];
  variants: import("./manifest-types").Variant[];
  artifacts: import("./manifest-types").Artifact[];
}

export interface CandidateCommit extends KeptCommit {
  staged_at: string;
  staged_by: string;
}

export interface PreviousCommit extends KeptCommit {
  /** Nodes keep its snapshot until then; a rollback after it is a staged update. */
  keep_until: string;
}
