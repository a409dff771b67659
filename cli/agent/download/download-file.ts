// One file from the Hub into blobs/{name}: resumes `{name}.incomplete` with Range,
// hashes while streaming (constant memory whatever the size: blob-writer.ts), verifies
// size and sha256, and aborts transfers that stall or drip. The blob is named by a hash of the
// bytes computed here (verify-blob.ts), never by a header, and a blob already in place
// that matches its name is never replaced. One call is one attempt; retryTransient()
// retries.
import fs from "node:fs/promises";
import path from "node:path";
import { networkMessage } from "../../lib/api-client";
import { startGitBlobHash } from "../cache/verify-blob";
import { BlobWriter, WriteFailure } from "./blob-writer";
import { DownloadError, fileSystemError, hubStatusError } from "./errors";
import { discard, requestHubFile } from "./hub-request";
import { finish, hasherOf, partialFilePath, partialName, prepare, resetPartial } from "./transfer";
import type { DownloadedFile, DownloadFileOptions, HubResponse, Transfer, Watchdog } from "./types";

export { DownloadError } from "./errors";
export type { DownloadedFile, DownloadFileOptions } from "./types";

/** Streams the body into the partial file; returns the file's size on disk afterwards. */
async function streamToPartial(t: Transfer, res: HubResponse, opts: DownloadFileOptions, watchdog: Watchdog) {
  const file = partialFilePath(t, opts.blobsDir);
  let writer: BlobWriter;
  try {
    await fs.mkdir(opts.blobsDir, { recursive: true });
    writer = await BlobWriter.open(file, t.offset, hasherOf(t), { direct: opts.directIo });
  } catch (err) {
    throw fileSystemError(err instanceof WriteFailure ? err.cause : err, file);
  }
  let bytes = t.offset;
  opts.onProgress?.(bytes);
  const pace = paceCheck(opts);
  const onData = (n: number) => {
    bytes += n;
    if (t.expectedSize != null && bytes > t.expectedSize) {
      throw new DownloadError("checksum_mismatch", `${opts.path}: the Hub sent more than ${t.expectedSize} bytes`);
    }
    pace(n);
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

/** Slower than this over a whole stall window is a stall too: a drip would hold its slot for days. */
const MIN_BYTES_PER_SECOND = 1024;

/**
 * Counts the body's bytes per stall window (LLMLB_STALL_TIMEOUT_MS, 60 s by default): a
 * window that brought fewer than MIN_BYTES_PER_SECOND on average ends the attempt as a
 * transient `stalled`, so the file gives its slot up and is retried later.
 */
function paceCheck(opts: DownloadFileOptions): (n: number) => void {
  const windowMs = opts.stallTimeoutMs ?? 60_000;
  const least = (windowMs / 1000) * MIN_BYTES_PER_SECOND;
  let since = performance.now();
  let received = 0;
  return (n) => {
    received += n;
    const now = performance.now();
    if (now - since < windowMs) return;
    if (received < least) {
      const rate = Math.round((received * 1000) / (now - since));
      throw new DownloadError(
        "stalled",
        `${opts.path}: ${rate} bytes/s over ${Math.round(windowMs / 1000)} s, slower than ${MIN_BYTES_PER_SECOND} bytes/s`,
        { transient: true },
      );
    }
    since = now;
    received = 0;
  };
}

// Two models may need the same file (a repository and one of its files, both registered):
// one transfer per partial file at a time, the other then finds the blob in place.
const transfers = new Map<string, Promise<unknown>>();

/**
 * One attempt. Transient failures throw a DownloadError with `transient: true`, keeping the
 * partial file.
 */
export async function downloadFile(opts: DownloadFileOptions): Promise<DownloadedFile> {
  const key = path.join(opts.blobsDir, partialName(opts));
  for (let busy = transfers.get(key); busy; busy = transfers.get(key)) await busy.catch(() => {});
  const run = attempt(opts);
  transfers.set(key, run);
  try {
    return await run;
  } finally {
    if (transfers.get(key) === run) transfers.delete(key);
  }
}

async function attempt(opts: DownloadFileOptions): Promise<DownloadedFile> {
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
    if (!t.expectedSha && t.expectedSize != null) {
      t.gitHash = startGitBlobHash(t.expectedSize);
      t.gitSize = t.expectedSize;
    }
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
