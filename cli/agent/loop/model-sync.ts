// One queued model, start to finish: what is already cached (checked against the hashes
// blobs are named by), whether the rest fits on disk, each missing file from the Hub,
// snapshot links and ref, ready. A model's files download side by side in the slots shared
// by every model (download-slots.ts); a file that fails waits for its retry out of line.

import { checkDiskSpace } from "../cache/disk";
import { ensureRepoDirs, getRepoPaths, writeRef } from "../cache/hf-layout";
import { DownloadError, downloadFile } from "../download/download-file";
import { retryTransient } from "../download/retry";
import { expectedBlob, inspectFile, link, trackModel } from "./cached-files";
import type { AgentContext, ModelRecord } from "./context";
import { isCurrentRecord, setModelError } from "./context";
import type { PlannedFile } from "./select-variant";

/** disk_full is checked again soon (space may be freed); exhausted retries much later. */
const DISK_RETRY_MS = 30_000;
const DOWNLOAD_RETRY_MS = 5 * 60_000;

/** Free disk is checked against what this model still needs plus what running jobs will still write. */
async function claimDisk(ctx: AgentContext, rec: ModelRecord, missing: number) {
  const others = [...ctx.diskClaims.values()].reduce((sum, claim) => sum + claim.bytes, 0);
  const disk = await checkDiskSpace(ctx.config.cacheDir, missing + others, ctx.config.reserveDiskBytes);
  if (!disk.ok) return null;
  const claim = { bytes: missing };
  ctx.diskClaims.set(rec.name, claim);
  return claim;
}

export async function syncModel(ctx: AgentContext, rec: ModelRecord, signal: AbortSignal): Promise<void> {
  const plan = rec.plan;
  if (!plan) return;
  const { config, reporter } = ctx;
  // The files of this model stop together: when one fails for good, or the job is stopped.
  const files = new AbortController();
  const stopFiles = () => files.abort(signal.reason);
  signal.addEventListener("abort", stopFiles, { once: true });
  let failure: unknown = null;
  try {
    const paths = getRepoPaths(config.cacheDir, plan.repo);
    await ensureRepoDirs(paths);
    const states = await Promise.all(plan.files.map((f) => inspectFile(ctx, paths, plan, f)));
    const total = plan.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
    const present = states.reduce((sum, st) => sum + (st.kind === "missing" ? 0 : st.size), 0);
    const missing = plan.files.reduce((sum, f, i) => {
      const st = states[i];
      return st.kind === "missing" ? sum + Math.max(0, (f.size ?? 0) - st.partialBytes) : sum;
    }, 0);
    const claim = missing > 0 ? await claimDisk(ctx, rec, missing) : { bytes: 0 };
    if (!claim) {
      const disk = await checkDiskSpace(config.cacheDir, missing, config.reserveDiskBytes);
      const why = disk.ok ? "the downloads already running need the rest of the free disk space" : disk.message;
      return setModelError(ctx, rec, "disk_full", `${rec.name} ${why}`, DISK_RETRY_MS);
    }

    const tracked = trackModel(ctx, rec.name, plan, states);
    // Claimed before the download, so a crash between the blob's rename and the next
    // save cannot leave a blob the agent wrote but would never clean up.
    for (const [i, file] of plan.files.entries()) {
      const blob = expectedBlob(file);
      if (states[i].kind === "missing" && blob) ctx.store.recordWritten(plan.repo, "blobs", blob);
    }
    await ctx.store.save();
    for (const [i, file] of plan.files.entries()) {
      const st = states[i];
      if (st.kind === "blob") await link(ctx, paths, plan, file.path, st.blob);
    }
    if (missing > 0) {
      reporter.event("info", "download.start", `${rec.name}: downloading ${plan.variant}`, {
        model: rec.name,
        variant: plan.variant,
        bytes_total: total,
        bytes_missing: missing,
      });
    }

    const progress = new Map<number, number>();
    const report = () => {
      let done = present;
      for (const bytes of progress.values()) done += bytes;
      claim.bytes = Math.max(0, present + missing - done);
      rec.status = {
        name: rec.name,
        state: "downloading",
        variant: plan.variant,
        bytes_done: done,
        bytes_total: total,
      };
      reporter.progress(rec.name, Math.min(done, total), total);
    };
    const fetchOne = async (i: number, file: PlannedFile) => {
      const result = await retryTransient(
        () =>
          ctx.slots.run(
            rec.name,
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
                expectedBlobId: file.blobId,
                signal: files.signal,
                stallTimeoutMs: config.stallTimeoutMs,
                userAgent: `llmlb-agent/${config.agentVersion}`,
                ledger: ctx.store,
                onProgress: (bytes) => {
                  progress.set(i, bytes);
                  report();
                },
              }),
            files.signal,
          ),
        {
          signal: files.signal,
          onRetry: ({ attempt, delayMs, error }) =>
            reporter.event(
              "warn",
              "download.retry",
              `${rec.name}: ${(error as Error).message}; retry ${attempt} in ${Math.round(delayMs / 1000)}s`,
              { model: rec.name, file: file.path, attempt, delay_ms: delayMs, code: (error as DownloadError).code },
            ),
        },
      );
      if (!result.reused) ctx.store.recordWritten(plan.repo, "blobs", result.blob);
      await link(ctx, paths, plan, file.path, result.blob);
      tracked.files[i] = { path: file.path, blob: result.blob, size: result.size };
      progress.set(i, file.size ?? result.size);
      report();
      await ctx.store.save();
    };
    const jobs = plan.files.flatMap((file, i) =>
      states[i].kind === "missing"
        ? [
            fetchOne(i, file).catch((err) => {
              // The first failure is the model's; the others are the stop it caused.
              if (!files.signal.aborted) {
                failure = err;
                files.abort(err);
              }
            }),
          ]
        : [],
    );
    await Promise.all(jobs);
    if (failure) throw failure;
    if (signal.aborted) return;

    // The revision's ref names the commit served: a candidate gets it when promoted.
    if (isCurrentRecord(rec)) await writeRef(paths, plan.revision, plan.commit);
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
  } finally {
    signal.removeEventListener("abort", stopFiles);
    ctx.diskClaims.delete(rec.name);
  }
}
