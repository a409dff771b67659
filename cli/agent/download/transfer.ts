// One file's transfer on disk: the partial file it streams into (named by the manifest's
// sha256, or by where the file is; never by a header), resumed from what is there, and
// the blob it becomes once its bytes hash to the name it gets.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { statSize } from "../cache/hf-layout";
import { checkBlob, GIT_SHA1_NAME, recordVerified, SHA256_NAME } from "../cache/verify-blob";
import type { Hasher } from "./blob-writer";
import { DownloadError, fileSystemError } from "./errors";
import type { DownloadedFile, DownloadFileOptions, Transfer } from "./types";

export function partialFilePath(t: Transfer, blobsDir: string): string {
  return path.join(blobsDir, `${t.partial}.incomplete`);
}

/**
 * Picks up an existing partial file; its bytes are hashed so the digest covers the whole
 * file. Only a partial whose bytes will be checked against an expected sha256 is resumed.
 */
export async function openPartial(t: Transfer, blobsDir: string): Promise<void> {
  const file = partialFilePath(t, blobsDir);
  t.offset = 0;
  t.hash = createHash("sha256");
  if (!t.expectedSha) return;
  const size = await statSize(file);
  if (!size) return;
  if (t.expectedSize != null && size > t.expectedSize) {
    await fs.rm(file, { force: true });
    return;
  }
  for await (const chunk of createReadStream(file)) t.hash.update(chunk as Buffer);
  t.offset = size;
}

export async function resetPartial(t: Transfer, blobsDir: string): Promise<void> {
  await fs.rm(partialFilePath(t, blobsDir), { force: true });
  t.offset = 0;
  t.hash = createHash("sha256");
  t.gitHash = null;
  t.gitSize = null;
}

export function hasherOf(t: Transfer): Hasher {
  const { hash, gitHash } = t;
  if (!gitHash) return hash;
  return {
    update(data) {
      hash.update(data);
      gitHash.update(data);
    },
  };
}

/** Checks the sha256, then gives the partial file its name: the hash computed over its bytes. */
export async function finish(t: Transfer, size: number, opts: DownloadFileOptions): Promise<DownloadedFile> {
  const partial = partialFilePath(t, opts.blobsDir);
  const digest = t.hash.digest("hex");
  if (t.expectedSha && digest !== t.expectedSha) {
    await fs.rm(partial, { force: true });
    throw new DownloadError("checksum_mismatch", `${opts.path}: expected sha256 ${t.expectedSha}, got ${digest}`);
  }
  const gitId = t.gitHash && size === t.gitSize ? t.gitHash.digest("hex") : null;
  if (!t.expectedSha && t.expectedBlobId && gitId !== t.expectedBlobId) {
    await fs.rm(partial, { force: true });
    throw new DownloadError(
      "checksum_mismatch",
      `${opts.path}: expected git blob id ${t.expectedBlobId}, got ${gitId ?? `a file of ${size} bytes`}`,
    );
  }
  const blob = t.expectedSha ?? gitId ?? digest;
  try {
    await placeBlob(partial, blob, opts);
  } catch (err) {
    throw fileSystemError(err, partial);
  }
  return { blob, size, sha256: digest, resumedFrom: 0, reused: false };
}

/**
 * Moves verified bytes to blobs/{name}. A blob already there that matches its name is kept
 * (the bytes are the same); one that does not is replaced.
 */
async function placeBlob(partial: string, name: string, opts: DownloadFileOptions): Promise<void> {
  const dest = path.join(opts.blobsDir, name);
  const existing = await checkBlob({ file: dest, name, repo: opts.repo, ledger: opts.ledger });
  if (existing === "ok") {
    await fs.rm(partial, { force: true });
    return;
  }
  await fs.rename(partial, dest);
  await recordVerified(dest, opts.repo, name, opts.ledger);
}

/** Sets up the transfer and answers at once when the blob (or a whole partial file) is already there. */
export async function prepare(opts: DownloadFileOptions): Promise<{ t: Transfer; done?: DownloadedFile }> {
  const t: Transfer = {
    partial: partialName(opts),
    offset: 0,
    hash: createHash("sha256"),
    gitHash: null,
    gitSize: null,
    expectedSize: opts.expectedSize ?? null,
    expectedSha: manifestSha(opts),
    expectedBlobId: manifestBlobId(opts),
  };
  // The blob, if it is already there under the name the manifest gives it, and intact.
  const known = t.expectedSha ?? t.expectedBlobId;
  if (!known) return { t };
  const file = path.join(opts.blobsDir, known);
  const check = await checkBlob({
    file,
    name: known,
    repo: opts.repo,
    expectedSize: t.expectedSize,
    ledger: opts.ledger,
  });
  if (check === "ok") {
    const size = (await statSize(file)) ?? 0;
    return { t, done: { blob: known, size, sha256: t.expectedSha, resumedFrom: size, reused: true } };
  }
  if (!t.expectedSha) return { t };
  await openPartial(t, opts.blobsDir);
  // A partial file that is already whole (a crash before the rename) needs no request.
  if (t.offset > 0 && t.offset === t.expectedSize) {
    const done = await finish(t, t.offset, opts).catch(() => null);
    if (done) return { t, done: { ...done, resumedFrom: done.size } };
    await resetPartial(t, opts.blobsDir);
  }
  return { t };
}

function manifestBlobId(opts: DownloadFileOptions): string | null {
  const id = opts.expectedBlobId?.toLowerCase() ?? null;
  return id && GIT_SHA1_NAME.test(id) ? id : null;
}

function manifestSha(opts: DownloadFileOptions): string | null {
  const sha = opts.expectedSha256?.toLowerCase() ?? null;
  return sha && SHA256_NAME.test(sha) ? sha : null;
}

/** The partial file's name: the manifest's sha256, else one derived from where the file is. */
export function partialName(opts: DownloadFileOptions): string {
  const where = `${opts.repo}\0${opts.commit}\0${opts.path}`;
  return manifestSha(opts) ?? `llmlb-${createHash("sha256").update(where).digest("hex").slice(0, 40)}`;
}
