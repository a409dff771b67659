// One file from the Hub into blobs/{name}: resumes `{name}.incomplete` with Range,
// hashes while streaming (constant memory whatever the size), verifies size and sha256,
// and aborts transfers that stall. One call is one attempt; retryTransient() retries.
import { createHash } from "node:crypto";
import { writeSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { networkMessage } from "../lib/api-client";
import { DownloadError, fileSystemError, hubStatusError } from "./download-errors";
import { statSize } from "./hf-cache";
import {
  discard,
  type HubFileRequest,
  type HubResponse,
  openPartial,
  partialFilePath,
  requestHubFile,
  resetPartial,
  SHA256_HEX,
  type Transfer,
  type Watchdog,
} from "./hub-request";
import { collectYoungGarbage } from "./young-gc";

export { DownloadError } from "./download-errors";
export { buildHubResolveUrl, normalizeEtag } from "./hub-request";

export interface DownloadFileOptions extends HubFileRequest {
  expectedSize?: number | null;
  /** From the manifest; also names the blob. */
  expectedSha256?: string | null;
  signal?: AbortSignal;
  /** No byte for this long aborts the transfer as a transient `stalled` error. */
  stallTimeoutMs?: number;
  /** Bytes of this file on disk so far, resumed bytes included. */
  onProgress?: (bytes: number) => void;
}

export interface DownloadedFile {
  blob: string;
  size: number;
  sha256: string | null;
  /** Bytes already on disk when the transfer started (a resumed partial file). */
  resumedFrom: number;
  /** True when the blob was already complete and nothing was fetched. */
  reused: boolean;
}

/**
 * Written data is flushed to disk in the background every this many bytes, so the fsync
 * before the rename finds little left to write.
 */
const DATASYNC_EVERY = 64 * 1024 * 1024;
/** Bytes between two minor GCs (young-gc.ts). */
const COLLECT_EVERY = 4 * 1024 * 1024;

/**
 * Synchronous on purpose: writing a chunk is a copy into the page cache, and doing it on
 * this thread costs far less than a thread-pool round trip per chunk (docs/benchmarks.md).
 * The price: a write that hangs (a stuck network file system) holds the event loop, and
 * with it the heartbeats, until it returns.
 */
function writeAll(fd: number, chunk: Buffer, file: string): void {
  try {
    for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done, chunk.length - done);
  } catch (err) {
    throw fileSystemError(err, file);
  }
}

/** Streams the body into the partial file; returns the file's size on disk afterwards. */
async function streamToPartial(t: Transfer, res: HubResponse, opts: DownloadFileOptions, watchdog: Watchdog) {
  const file = partialFilePath(t, opts.blobsDir);
  let fh: fs.FileHandle;
  try {
    await fs.mkdir(opts.blobsDir, { recursive: true });
    fh = await fs.open(file, t.offset > 0 ? "a" : "w");
  } catch (err) {
    throw fileSystemError(err, file);
  }
  let bytes = t.offset;
  let unsynced = 0;
  let uncollected = 0;
  let flushing: Promise<void> | null = null;
  let flushError: unknown = null;
  opts.onProgress?.(bytes);
  const chunks = res.body[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (flushError) throw fileSystemError(flushError, file);
      watchdog.arm();
      const { done, value } = await chunks.next().catch((err) => {
        // The connection closed before the end (ECONNRESET "aborted"): resumable from here.
        const message = `${opts.path}: the connection closed at ${bytes} of ${t.expectedSize ?? "?"} bytes (${networkMessage(err)})`;
        throw new DownloadError("truncated", message, { transient: true });
      });
      watchdog.disarm();
      if (done) break;
      const chunk = value as Buffer;
      bytes += chunk.length;
      if (t.expectedSize != null && bytes > t.expectedSize) {
        throw new DownloadError("checksum_mismatch", `${opts.path}: the Hub sent more than ${t.expectedSize} bytes`);
      }
      t.hash.update(chunk);
      writeAll(fh.fd, chunk, file);
      uncollected += chunk.length;
      if (uncollected >= COLLECT_EVERY) {
        uncollected = 0;
        collectYoungGarbage();
      }
      unsynced += chunk.length;
      if (unsynced >= DATASYNC_EVERY && !flushing) {
        unsynced = 0;
        flushing = fh.datasync().then(
          () => {
            flushing = null;
          },
          (err) => {
            flushError ??= err;
            flushing = null;
          },
        );
      }
      opts.onProgress?.(bytes);
    }
    await flushing;
    // On disk before the rename, so a power cut cannot leave a complete-looking empty blob.
    await (flushError ? Promise.reject(flushError) : fh.sync()).catch((err) =>
      Promise.reject(fileSystemError(err, file)),
    );
  } finally {
    // The response itself is released by downloadFile, whatever happens here.
    await flushing;
    await fh.close().catch(() => {});
  }
  return bytes;
}

/** Checks the sha256, then renames the partial file to its blob name. */
async function finish(t: Transfer, size: number, opts: DownloadFileOptions): Promise<DownloadedFile> {
  const partial = partialFilePath(t, opts.blobsDir);
  const digest = t.hash.digest("hex");
  if (t.expectedSha && digest !== t.expectedSha) {
    await fs.rm(partial, { force: true });
    throw new DownloadError("checksum_mismatch", `${opts.path}: expected sha256 ${t.expectedSha}, got ${digest}`);
  }
  const blob = t.blob ?? digest;
  try {
    await fs.rename(partial, path.join(opts.blobsDir, blob));
  } catch (err) {
    throw fileSystemError(err, partial);
  }
  return { blob, size, sha256: digest, resumedFrom: 0, reused: false };
}

/** Sets up the transfer and answers at once when the blob (or a whole partial file) is already there. */
async function prepare(opts: DownloadFileOptions): Promise<{ t: Transfer; done?: DownloadedFile }> {
  const sha = opts.expectedSha256?.toLowerCase() ?? null;
  const known = sha && SHA256_HEX.test(sha) ? sha : null;
  const t: Transfer = {
    blob: known,
    fallback: `llmlb-${createHash("sha256").update(`${opts.repo}\0${opts.commit}\0${opts.path}`).digest("hex").slice(0, 40)}`,
    offset: 0,
    hash: createHash("sha256"),
    expectedSize: opts.expectedSize ?? null,
    expectedSha: known,
  };
  if (!t.blob) return { t };
  const size = await statSize(path.join(opts.blobsDir, t.blob));
  if (size !== null && (t.expectedSize == null || size === t.expectedSize)) {
    return { t, done: { blob: t.blob, size, sha256: known, resumedFrom: size, reused: true } };
  }
  await openPartial(t, opts.blobsDir);
  // A partial file that is already whole (a crash before the rename) needs no request.
  if (t.offset > 0 && t.offset === t.expectedSize) {
    const done = await finish(t, t.offset, opts).catch(() => null);
    if (done) return { t, done: { ...done, resumedFrom: done.size } };
    await resetPartial(t, opts.blobsDir);
  }
  return { t };
}

/** One attempt. Transient failures throw a DownloadError with `transient: true`, keeping the partial file. */
export async function downloadFile(opts: DownloadFileOptions): Promise<DownloadedFile> {
  const { t, done } = await prepare(opts);
  if (done) return done;

  const stallMs = opts.stallTimeoutMs ?? 60_000;
  const controller = new AbortController();
  const onAbort = () => controller.abort(opts.signal?.reason);
  if (opts.signal?.aborted) controller.abort(opts.signal.reason);
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  let stalled = false;
  // One timer for the whole transfer, pushed back at every chunk (refresh() is far cheaper
  // than a new timer per chunk); it fires harmlessly while disarmed.
  let armed = false;
  const timer = setTimeout(function onStall() {
    if (!armed) return;
    stalled = true;
    controller.abort(new Error("stalled"));
  }, stallMs);
  const watchdog: Watchdog = {
    arm: () => {
      armed = true;
      timer.refresh();
    },
    disarm: () => {
      armed = false;
    },
  };
  try {
    for (let restarts = 0; ; restarts++) {
      const res = await requestHubFile(t, opts, controller.signal, watchdog);
      try {
        const outcome = await receive(t, res, opts, watchdog, restarts);
        if (outcome !== "again") return outcome;
      } finally {
        // Whatever failed (a partial file that cannot be opened, say), the connection is not left open.
        discard(res);
      }
    }
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? err;
    if (stalled) {
      throw new DownloadError("stalled", `${opts.path}: no data for ${stallMs} ms`, { transient: true });
    }
    if (err instanceof DownloadError) {
      if (err.code === "checksum_mismatch") await resetPartial(t, opts.blobsDir);
      throw err;
    }
    throw new DownloadError("network", `${opts.path}: ${networkMessage(err)}`, { transient: true });
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
  }
}

/** One answer of the Hub: the file (or its rest) on disk, "again" to ask once more, or a throw. */
async function receive(
  t: Transfer,
  res: HubResponse,
  opts: DownloadFileOptions,
  watchdog: Watchdog,
  restarts: number,
): Promise<DownloadedFile | "again"> {
  if (res.status === 206) {
    const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.header("content-range") ?? "");
    if (!match || Number(match[1]) !== t.offset) {
      await startOver(t, opts, restarts);
      return "again";
    }
    if (t.expectedSize == null && match[2] !== "*") t.expectedSize = Number(match[2]);
  } else if (res.status === 200) {
    // The server ignored Range (or none was sent): the body is the whole file.
    if (t.offset > 0) await resetPartial(t, opts.blobsDir);
    const length = Number(res.header("content-length") ?? Number.NaN);
    if (t.expectedSize == null && Number.isSafeInteger(length)) t.expectedSize = length;
  } else if (res.status === 416) {
    await startOver(t, opts, restarts);
    return "again";
  } else {
    throw hubStatusError(res, { repo: opts.repo, path: opts.path, hasToken: Boolean(opts.hfToken) });
  }
  const resumedFrom = t.offset;
  const size = await streamToPartial(t, res, opts, watchdog);
  if (t.expectedSize != null && size < t.expectedSize) {
    const message = `${opts.path}: transfer ended at ${size} of ${t.expectedSize} bytes`;
    throw new DownloadError("truncated", message, { transient: true });
  }
  return { ...(await finish(t, size, opts)), resumedFrom };
}

/** 416, or a 206 for the wrong range: drop the partial file and ask for the whole file, once. */
async function startOver(t: Transfer, opts: DownloadFileOptions, restarts: number): Promise<void> {
  if (restarts >= 1) throw new DownloadError("download_failed", `the Hub does not honour Range for ${opts.path}`);
  await resetPartial(t, opts.blobsDir);
}
