// One file from the Hub into blobs/{name}: resumes `{name}.incomplete` with Range,
// hashes while streaming (constant memory whatever the size: blob-writer.ts), verifies
// size and sha256, and aborts transfers that stall. One call is one attempt;
// retryTransient() retries.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { networkMessage } from "../lib/api-client";
import { BlobWriter, WriteFailure } from "./blob-writer";
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
  /** false writes through the page cache, as happens anyway where the file system refuses O_DIRECT. */
  directIo?: boolean;
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

/** Streams the body into the partial file; returns the file's size on disk afterwards. */
async function streamToPartial(t: Transfer, res: HubResponse, opts: DownloadFileOptions, watchdog: Watchdog) {
  const file = partialFilePath(t, opts.blobsDir);
  let writer: BlobWriter;
  try {
    await fs.mkdir(opts.blobsDir, { recursive: true });
    writer = await BlobWriter.open(file, t.offset, t.hash, { direct: opts.directIo });
  } catch (err) {
    throw fileSystemError(err instanceof WriteFailure ? err.cause : err, file);
  }
  let bytes = t.offset;
  opts.onProgress?.(bytes);
  const onData = (n: number) => {
    bytes += n;
    if (t.expectedSize != null && bytes > t.expectedSize) {
      throw new DownloadError("checksum_mismatch", `${opts.path}: the Hub sent more than ${t.expectedSize} bytes`);
    }
    opts.onProgress?.(bytes);
  };
  try {
    await res.body.pipeTo(writer, { watchdog, onData }).finally(() => watchdog.disarm());
  } catch (err) {
    // What arrived stays on disk for the next attempt to resume from.
    await writer.end(false).catch(() => {});
    if (err instanceof DownloadError) throw err;
    if (err instanceof WriteFailure) throw fileSystemError(err.cause, file);
    // The connection closed before the end (ECONNRESET "aborted"): resumable from here.
    const message = `${opts.path}: the connection closed at ${bytes} of ${t.expectedSize ?? "?"} bytes (${networkMessage(err)})`;
    throw new DownloadError("truncated", message, { transient: true });
  }
  // On disk before the rename, so a power cut cannot leave a complete-looking empty blob.
  await writer.end(true).catch((err) => Promise.reject(fileSystemError(err.cause ?? err, file)));
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
