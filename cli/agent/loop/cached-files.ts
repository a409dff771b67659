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
import { checkBlob, sha256File } from "../cache/verify-blob";
import type { AgentContext, ModelPlan } from "./context";
import type { PlannedFile } from "./select-variant";

export type FileState =
  | { kind: "linked"; blob: string | null; size: number }
  | { kind: "blob"; blob: string; size: number }
  | { kind: "missing"; partialBytes: number };

const sizeMatches = (actual: number | null, expected: number | null) =>
  actual !== null && (expected === null || actual === expected);

/**
 * A file counts as present when its snapshot entry (or its sha256-named blob) has the right
 * size and its bytes match the hash it is named by (verify-blob.ts); anything else is
 * downloaded again, and the link then points at the new blob.
 */
export async function inspectFile(ctx: AgentContext, paths: RepoPaths, plan: ModelPlan, file: PlannedFile) {
  const { repo, commit } = plan;
  const linkedSize = await snapshotFileSize(paths, commit, file.path);
  if (sizeMatches(linkedSize, file.size)) {
    const size = linkedSize ?? 0;
    const blob = await readSnapshotLink(paths, commit, file.path);
    if (blob) {
      const check = await checkBlob({ file: blobPath(paths, blob), name: blob, repo, ledger: ctx.store });
      if (check === "ok" && (!file.sha256 || blob === file.sha256)) return { kind: "linked", blob, size } as FileState;
    } else if (!file.sha256 || (await sha256File(snapshotFilePath(paths, commit, file.path))) === file.sha256) {
      // A real file another tool put there: checked when the manifest has its sha256.
      return { kind: "linked", blob: null, size } as FileState;
    }
  }
  if (!file.sha256) return { kind: "missing", partialBytes: 0 } as FileState;
  const check = await checkBlob({
    file: blobPath(paths, file.sha256),
    name: file.sha256,
    repo,
    expectedSize: file.size,
    ledger: ctx.store,
  });
  const blobSize = await statSize(blobPath(paths, file.sha256));
  if (check === "ok") return { kind: "blob", blob: file.sha256, size: blobSize ?? 0 } as FileState;
  return { kind: "missing", partialBytes: (await statSize(partialPath(paths, file.sha256))) ?? 0 } as FileState;
}

export function trackModel(ctx: AgentContext, name: string, plan: ModelPlan, states: FileState[]): TrackedModel {
  const tracked: TrackedModel = {
    repo: plan.repo,
    commit: plan.commit,
    revision: plan.revision,
    variant: plan.variant,
    files: plan.files.map((f, i) => {
      const st = states[i];
      return { path: f.path, blob: st.kind !== "missing" ? st.blob : f.sha256, size: f.size };
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
