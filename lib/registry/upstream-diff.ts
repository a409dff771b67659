// What changed between the pinned manifest and the one upstream's head would give
// (docs/upstream.md): files added, removed and changed, per variant, and the bytes a node
// holding a variant would download to move. Pure: no Hub, no database.
import type { Artifact, Variant } from "../db/manifest-types";
import type { UpstreamDiff, UpstreamFileChange, UpstreamVariantDiff } from "../db/upstream-types";

/** Files listed per kind; the counts say how many there were in all. */
export const maxListedChanges = 200;

type Side = { commit: string; artifacts: Artifact[]; variants: Variant[] };

/**
 * A file changed when both sides have a sha256 and they differ; else when its size or its
 * git blob id differs (a non-LFS file has no sha256, and a tokenizer fixed in place keeps
 * its size).
 */
export function fileChanged(before: Artifact, after: Artifact): boolean {
  if (before.sha256 && after.sha256) return before.sha256 !== after.sha256;
  if (before.size_bytes !== after.size_bytes) return true;
  const a = before.blob_id ?? null;
  const b = after.blob_id ?? null;
  return a !== null && b !== null && a !== b;
}

export function diffManifests(pinned: Side, head: Side): UpstreamDiff {
  const old = new Map(pinned.artifacts.map((a) => [a.filename, a]));
  const now = new Map(head.artifacts.map((a) => [a.filename, a]));
  const added: UpstreamFileChange[] = [];
  const removed: UpstreamFileChange[] = [];
  const changed: UpstreamFileChange[] = [];
  /** Files a node must fetch at the new commit: added or changed. */
  const toFetch = new Set<string>();
  let unchanged = 0;
  for (const a of head.artifacts) {
    const before = old.get(a.filename);
    if (!before) {
      added.push(change(a));
      toFetch.add(a.filename);
    } else if (fileChanged(before, a)) {
      changed.push({ ...change(a), old_size_bytes: before.size_bytes });
      toFetch.add(a.filename);
    } else unchanged++;
  }
  for (const a of pinned.artifacts) if (!now.has(a.filename)) removed.push(change(a));

  const oldVariants = new Map(pinned.variants.map((v) => [v.name, v]));
  const newNames = new Set(head.variants.map((v) => v.name));
  const sizes = new Map(head.artifacts.map((a) => [a.filename, a.size_bytes]));
  const variants: UpstreamVariantDiff[] = head.variants.map((v) => {
    const download = v.files.filter((f) => toFetch.has(f)).reduce((sum, f) => sum + (sizes.get(f) ?? 0), 0);
    const before = oldVariants.get(v.name);
    const same =
      before !== undefined &&
      download === 0 &&
      before.files.length === v.files.length &&
      before.files.every((f) => v.files.includes(f));
    return {
      name: v.name,
      change: !before ? "added" : same ? "unchanged" : "changed",
      download_bytes: download,
      size_bytes: v.size_bytes,
      complete: v.complete,
    };
  });
  for (const v of pinned.variants) {
    if (newNames.has(v.name)) continue;
    variants.push({
      name: v.name,
      change: "removed",
      download_bytes: 0,
      size_bytes: v.size_bytes,
      complete: v.complete,
    });
  }
  return {
    from: pinned.commit,
    to: head.commit,
    added: added.slice(0, maxListedChanges),
    removed: removed.slice(0, maxListedChanges),
    changed: changed.slice(0, maxListedChanges),
    counts: { added: added.length, removed: removed.length, changed: changed.length, unchanged },
    listed_max: maxListedChanges,
    variants,
  };
}

function change(a: Artifact): UpstreamFileChange {
  return { filename: a.filename, variant: a.variant, size_bytes: a.size_bytes };
}
