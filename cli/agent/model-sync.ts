// One queued model, start to finish: what is already cached, whether the rest fits on
// disk, each missing file from the Hub (with retries), snapshot links and ref, ready.
import type { AgentContext, ModelPlan, ModelRecord } from "./context";
import { setModelError } from "./context";
import { checkDiskSpace } from "./disk";
import { DownloadError, downloadFile } from "./download";
import {
  blobPath,
  ensureRepoDirs,
  getRepoPaths,
  linkSnapshotFile,
  partialPath,
  type RepoPaths,
  readSnapshotLink,
  snapshotFileSize,
  statSize,
  writeRef,
} from "./hf-cache";
import { retryTransient } from "./retry";
import type { PlannedFile } from "./select-variant";
import type { TrackedModel } from "./state-file";

/** disk_full is checked again soon (space may be freed); exhausted retries much later. */
const DISK_RETRY_MS = 30_000;
const DOWNLOAD_RETRY_MS = 5 * 60_000;

type FileState =
  | { kind: "linked"; blob: string | null; size: number }
  | { kind: "blob"; blob: string; size: number }
  | { kind: "missing"; partialBytes: number };

const sizeMatches = (actual: number | null, expected: number | null) =>
  actual !== null && (expected === null || actual === expected);

/** A file counts as present when its snapshot entry (or its sha256-named blob) has the right size. */
async function inspectFile(paths: RepoPaths, commit: string, file: PlannedFile): Promise<FileState> {
  const linkedSize = await snapshotFileSize(paths, commit, file.path);
  if (sizeMatches(linkedSize, file.size)) {
    return { kind: "linked", blob: await readSnapshotLink(paths, commit, file.path), size: linkedSize ?? 0 };
  }
  if (!file.sha256) return { kind: "missing", partialBytes: 0 };
  const blobSize = await statSize(blobPath(paths, file.sha256));
  if (sizeMatches(blobSize, file.size)) return { kind: "blob", blob: file.sha256, size: blobSize ?? 0 };
  return { kind: "missing", partialBytes: (await statSize(partialPath(paths, file.sha256))) ?? 0 };
}

function trackModel(ctx: AgentContext, name: string, plan: ModelPlan, states: FileState[]): TrackedModel {
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

async function link(ctx: AgentContext, paths: RepoPaths, plan: ModelPlan, file: string, blob: string) {
  if (await linkSnapshotFile(paths, plan.commit, file, blob)) {
    ctx.store.recordWritten(plan.repo, "links", `${plan.commit}/${file}`);
  }
}

export async function syncModel(ctx: AgentContext, rec: ModelRecord, signal: AbortSignal): Promise<void> {
  const plan = rec.plan;
  if (!plan) return;
  const { config, reporter } = ctx;
  try {
    const paths = getRepoPaths(config.cacheDir, plan.repo);
    await ensureRepoDirs(paths);
    const states = await Promise.all(plan.files.map((f) => inspectFile(paths, plan.commit, f)));
    const total = plan.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
    let done = states.reduce((sum, st) => sum + (st.kind === "missing" ? 0 : st.size), 0);
    const missing = plan.files.reduce((sum, f, i) => {
      const st = states[i];
      return st.kind === "missing" ? sum + Math.max(0, (f.size ?? 0) - st.partialBytes) : sum;
    }, 0);
    if (missing > 0) {
      const disk = await checkDiskSpace(config.cacheDir, missing, config.reserveDiskBytes);
      if (!disk.ok) return setModelError(ctx, rec, "disk_full", `${rec.name} ${disk.message}`, DISK_RETRY_MS);
    }

    const tracked = trackModel(ctx, rec.name, plan, states);
    // Claimed before the download, so a crash between the blob's rename and the next
    // save cannot leave a blob the agent wrote but would never clean up.
    for (const [i, file] of plan.files.entries()) {
      if (states[i].kind === "missing" && file.sha256) ctx.store.recordWritten(plan.repo, "blobs", file.sha256);
    }
    await ctx.store.save();
    rec.status = { name: rec.name, state: "downloading", variant: plan.variant, bytes_done: done, bytes_total: total };
    if (missing > 0) {
      reporter.event("info", "download.start", `${rec.name}: downloading ${plan.variant}`, {
        model: rec.name,
        variant: plan.variant,
        bytes_total: total,
        bytes_missing: missing,
      });
    }

    for (const [i, file] of plan.files.entries()) {
      const st = states[i];
      if (st.kind === "linked") continue;
      if (st.kind === "blob") {
        await link(ctx, paths, plan, file.path, st.blob);
        continue;
      }
      const base = done;
      const result = await retryTransient(
        () =>
          downloadFile({
            hfEndpoint: config.hfEndpoint,
            hfToken: config.hfToken,
            repo: plan.repo,
            commit: plan.commit,
            path: file.path,
            blobsDir: paths.blobs,
            expectedSize: file.size,
            expectedSha256: file.sha256,
            signal,
            stallTimeoutMs: config.stallTimeoutMs,
            userAgent: `llmlb-agent/${config.agentVersion}`,
            onProgress: (bytes) => {
              rec.status.bytes_done = Math.min(total, base + bytes);
              reporter.progress(rec.name, rec.status.bytes_done, total);
            },
          }),
        {
          signal,
          onRetry: ({ attempt, delayMs, error }) =>
            reporter.event(
              "warn",
              "download.retry",
              `${rec.name}: ${(error as Error).message}; retry ${attempt} in ${Math.round(delayMs / 1000)}s`,
              {
                model: rec.name,
                file: file.path,
                attempt,
                delay_ms: delayMs,
                code: (error as DownloadError).code,
              },
            ),
        },
      );
      if (!result.reused) ctx.store.recordWritten(plan.repo, "blobs", result.blob);
      await link(ctx, paths, plan, file.path, result.blob);
      tracked.files[i] = { path: file.path, blob: result.blob, size: result.size };
      done = base + (file.size ?? result.size);
      rec.status.bytes_done = done;
      await ctx.store.save();
    }

    await writeRef(paths, plan.revision, plan.commit);
    tracked.ready = true;
    await ctx.store.save();
    rec.status = { name: rec.name, state: "ready", variant: plan.variant };
    reporter.endProgress(rec.name);
    reporter.event("info", "model.ready", `${rec.name}: ready (${plan.variant})`, {
      model: rec.name,
      variant: plan.variant,
    });
    ctx.heartbeat.wake();
  } catch (err) {
    if (signal.aborted) return; // removed or shutting down: the caller owns what happens next
    if (err instanceof DownloadError) {
      if (err.exhausted) {
        const code = err.code === "rate_limited" ? "rate_limited" : "download_failed";
        return setModelError(ctx, rec, code, `${err.message} (gave up after several attempts)`, DOWNLOAD_RETRY_MS);
      }
      return setModelError(ctx, rec, err.code, err.message, err.code === "disk_full" ? DISK_RETRY_MS : undefined);
    }
    setModelError(ctx, rec, "download_failed", (err as Error)?.message ?? String(err), DOWNLOAD_RETRY_MS);
  }
}
