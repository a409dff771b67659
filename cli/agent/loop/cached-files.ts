// What of a model is already in the cache before its job downloads anything: each file
// linked in the snapshot, present as a blob, or missing (with how much of it a partial
// file holds), and the record of what the job will track.
import {
  blobPath,
  linkSnapshotFile,
  partialPath,
  type RepoPaths,
  readSnapshotLink,
  snapshotFilePath,
  snapshotFileSize,
  statSize,
} from "../cache/hf-layout";
import type { TrackedModel } from "../cache/state-file";
import { checkBlob, gitBlobIdOf, sha256File } from "../cache/verify-blob";
import type { AgentContext, ModelPlan } from "./context";
import type { PlannedFile } from "./select-variant";

export type FileState =
  | { kind: "linked"; blob: string | null; size: number }
  | { kind: "blob"; blob: string; size: number }
  | { kind: "missing"; partialBytes: number };

const sizeMatches = (actual: number | null, expected: number | null) =>
  actual !== null && (expected === null || actual === expected);

/** The name a file's blob must have, when the manifest says: its sha256, else its git blob id. */
export const expectedBlob = (file: PlannedFile) => file.sha256 ?? file.blobId;

/**
 * A file counts as present when its snapshot entry (or the blob the manifest names) has the
 * right size and its bytes match the hash it is named by (verify-blob.ts), which must be
 * the manifest's where it has one; anything else is downloaded again, and the link then
 * points at the new blob.
 */
export async function inspectFile(ctx: AgentContext, paths: RepoPaths, plan: ModelPlan, file: PlannedFile) {
  const { repo, commit } = plan;
  const expected = expectedBlob(file);
  const linkedSize = await snapshotFileSize(paths, commit, file.path);
  if (sizeMatches(linkedSize, file.size)) {
    const size = linkedSize ?? 0;
    const blob = await readSnapshotLink(paths, commit, file.path);
    if (blob) {
      const check = await checkBlob({ file: blobPath(paths, blob), name: blob, repo, ledger: ctx.store });
      if (check === "ok" && (!expected || blob === expected)) return { kind: "linked", blob, size } as FileState;
    } else if (await matchesManifest(snapshotFilePath(paths, commit, file.path), file, size)) {
      // A real file another tool put there, checked against the manifest's hash.
      return { kind: "linked", blob: null, size } as FileState;
    }
  }
  if (!expected) return { kind: "missing", partialBytes: 0 } as FileState;
  const blobFile = blobPath(paths, expected);
  const check = await checkBlob({ file: blobFile, name: expected, repo, expectedSize: file.size, ledger: ctx.store });
  if (check === "ok") return { kind: "blob", blob: expected, size: (await statSize(blobFile)) ?? 0 } as FileState;
  // Only a sha256 names a partial file that can be resumed.
  const partialBytes = file.sha256 ? ((await statSize(partialPath(paths, file.sha256))) ?? 0) : 0;
  return { kind: "missing", partialBytes } as FileState;
}

async function matchesManifest(file: string, planned: PlannedFile, size: number): Promise<boolean> {
  if (planned.sha256) return (await sha256File(file)) === planned.sha256;
  if (planned.blobId) return (await gitBlobIdOf(file, size)) === planned.blobId;
  return true;
}

export function trackModel(ctx: AgentContext, name: string, plan: ModelPlan, states: FileState[]): TrackedModel {
  const tracked: TrackedModel = {
    repo: plan.repo,
    commit: plan.commit,
    revision: plan.revision,
    variant: plan.variant,
    files: plan.files.map((f, i) => {
      const st = states[i];
      return { path: f.path, blob: st.kind !== "missing" ? st.blob : expectedBlob(f), size: f.size };
    }),
    ready: false,
  };
  ctx.store.state.models[name] = tracked;
  return tracked;
}

export async function link(ctx: AgentContext, paths: RepoPaths, plan: ModelPlan, file: string, blob: string) {
  if (await linkSnapshotFile(paths, plan.commit, file, blob)) {
    ctx.store.recordWritten(plan.repo, "links", `${plan.commit}/${file}`);
  }
}
