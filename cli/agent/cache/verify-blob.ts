// A blob's name is a hash of its bytes that this agent computed: the sha256 (64 hex), or
// for files the manifest has no sha256 for, the git blob sha1 (40 hex) that huggingface_hub
// also names them by. So any blob can be checked against its own name, and a blob that
// fails is never used. A check costs a full read, so a passed one is remembered (the
// blob's size and mtime, in the agent's state file) and only a changed blob is read again.
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";

export const SHA256_NAME = /^[0-9a-f]{64}$/;
export const GIT_SHA1_NAME = /^[0-9a-f]{40}$/;

/** What was true of a blob when its bytes last matched its name. */
export interface BlobStamp {
  size: number;
  mtimeMs: number;
}

/** Where passed checks are remembered (the agent's state file); keyed by repo and blob name. */
export interface BlobLedger {
  stampOf(repo: string, blob: string): BlobStamp | undefined;
  record(repo: string, blob: string, stamp: BlobStamp): void;
  forget(repo: string, blob: string): void;
}

export type BlobCheck = "ok" | "missing" | "mismatch";

/** The git blob id of `size` bytes still to come: sha1 over "blob {size}\0" and the bytes. */
export function startGitBlobHash(size: number): Hash {
  return createHash("sha1").update(`blob ${size}\u0000`);
}

async function hashFile(file: string, hash: Hash): Promise<string> {
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export function sha256File(file: string): Promise<string | null> {
  return hashFile(file, createHash("sha256")).catch(() => null);
}

export function gitBlobIdOf(file: string, size: number): Promise<string | null> {
  return hashFile(file, startGitBlobHash(size)).catch(() => null);
}

/** Whether the file at `file` holds the bytes `name` is the hash of; a name that is no hash never passes. */
async function matchesName(file: string, name: string, size: number): Promise<boolean> {
  if (SHA256_NAME.test(name)) return (await hashFile(file, createHash("sha256"))) === name;
  if (GIT_SHA1_NAME.test(name)) return (await hashFile(file, startGitBlobHash(size))) === name;
  return false;
}

/**
 * Checks the blob `name` at `file` against its name, reading it only when the ledger has
 * no stamp for it that still matches. `expectedSize` (from the manifest) must match too.
 */
export async function checkBlob(opts: {
  file: string;
  name: string;
  repo: string;
  expectedSize?: number | null;
  ledger?: BlobLedger;
}): Promise<BlobCheck> {
  const st = await fs.stat(opts.file).catch(() => null);
  if (!st?.isFile()) return "missing";
  if (opts.expectedSize != null && st.size !== opts.expectedSize) return "mismatch";
  const stamp = opts.ledger?.stampOf(opts.repo, opts.name);
  if (stamp && stamp.size === st.size && stamp.mtimeMs === st.mtimeMs) return "ok";
  if (!(await matchesName(opts.file, opts.name, st.size))) {
    opts.ledger?.forget(opts.repo, opts.name);
    return "mismatch";
  }
  opts.ledger?.record(opts.repo, opts.name, { size: st.size, mtimeMs: st.mtimeMs });
  return "ok";
}

/** Remembers that the blob at `file`, just verified while it was written, matches its name. */
export async function recordVerified(file: string, repo: string, name: string, ledger?: BlobLedger): Promise<void> {
  if (!ledger) return;
  const st = await fs.stat(file).catch(() => null);
  if (st?.isFile()) ledger.record(repo, name, { size: st.size, mtimeMs: st.mtimeMs });
}
