// The standard Hugging Face hub cache layout, so huggingface_hub, transformers, vLLM
// and llama.cpp find what the agent downloaded:
//   {cache}/models--{owner}--{repo}/blobs/{blob}
//   {cache}/models--{owner}--{repo}/snapshots/{commit}/{path} → ../../blobs/{blob} (relative symlink)
//   {cache}/models--{owner}--{repo}/refs/{revision}            (the commit, no newline)
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

export interface RepoPaths {
  root: string;
  blobs: string;
  snapshots: string;
  refs: string;
}

const REPO_ID = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const COMMIT = /^[0-9a-f]{40}$/;
const BLOB = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

/** Everything below comes from the server or the Hub: refuse anything that could escape the cache. */
export function assertRepoId(repo: string): void {
  if (!REPO_ID.test(repo) || repo.split("/").some((part) => part === "." || part === "..")) {
    throw new Error(`invalid repo id: ${JSON.stringify(repo)}`);
  }
}

export function assertCommit(commit: string): void {
  if (!COMMIT.test(commit)) throw new Error(`invalid commit: ${JSON.stringify(commit)}`);
}

export function isSafeRelativePath(p: string): boolean {
  if (!p || p.startsWith("/") || p.includes("\\") || p.includes("\0")) return false;
  return p.split("/").every((seg) => seg !== "" && seg !== "." && seg !== "..");
}

export function assertSafeRelativePath(p: string, what = "path"): void {
  if (!isSafeRelativePath(p)) throw new Error(`unsafe ${what}: ${JSON.stringify(p)}`);
}

export function isValidBlobName(name: string): boolean {
  return BLOB.test(name);
}

export function repoFolderName(repo: string): string {
  assertRepoId(repo);
  return `models--${repo.replace("/", "--")}`;
}

export function getRepoPaths(cacheDir: string, repo: string): RepoPaths {
  const root = path.join(cacheDir, repoFolderName(repo));
  return {
    root,
    blobs: path.join(root, "blobs"),
    snapshots: path.join(root, "snapshots"),
    refs: path.join(root, "refs"),
  };
}

/** `refs` too, even when no ref is written: @huggingface/hub's scanner fails on a repo without it. */
export async function ensureRepoDirs(paths: RepoPaths): Promise<void> {
  await Promise.all([paths.blobs, paths.snapshots, paths.refs].map((dir) => fs.mkdir(dir, { recursive: true })));
}

export function snapshotFilePath(paths: RepoPaths, commit: string, file: string): string {
  assertCommit(commit);
  assertSafeRelativePath(file);
  return path.join(paths.snapshots, commit, ...file.split("/"));
}

export function blobPath(paths: RepoPaths, blob: string): string {
  if (!isValidBlobName(blob)) throw new Error(`invalid blob name: ${JSON.stringify(blob)}`);
  return path.join(paths.blobs, blob);
}

/** The `.incomplete` file a download streams into; kept across restarts for resume. */
export function partialPath(paths: RepoPaths, blob: string): string {
  return `${blobPath(paths, blob)}.incomplete`;
}

/** Relative target: `../../blobs/x`, one more `../` per sub-folder of the path in the repo. */
export function snapshotLinkTarget(file: string, blob: string): string {
  assertSafeRelativePath(file);
  const depth = file.split("/").length - 1;
  return `${"../".repeat(depth + 2)}blobs/${blob}`;
}

export async function statSize(file: string): Promise<number | null> {
  try {
    const st = await fs.stat(file);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}

/**
 * Size of the file a snapshot entry leads to (following the link), or null when it is
 * missing or dangling. Used to skip files that are already in place.
 */
export async function snapshotFileSize(paths: RepoPaths, commit: string, file: string): Promise<number | null> {
  return statSize(snapshotFilePath(paths, commit, file));
}

/** Blob name the snapshot entry points to, or null if it is not a link into this repo's blobs. */
export async function readSnapshotLink(paths: RepoPaths, commit: string, file: string): Promise<string | null> {
  const link = snapshotFilePath(paths, commit, file);
  try {
    const target = path.resolve(path.dirname(link), await fs.readlink(link));
    return path.dirname(target) === paths.blobs ? path.basename(target) : null;
  } catch {
    return null;
  }
}

/**
 * Points `snapshots/{commit}/{file}` at `blobs/{blob}`. Returns true when it created or
 * replaced the link (or a file another tool put there, which failed its check), false
 * when the right link was already there.
 */
export async function linkSnapshotFile(paths: RepoPaths, commit: string, file: string, blob: string): Promise<boolean> {
  const link = snapshotFilePath(paths, commit, file);
  const target = snapshotLinkTarget(file, blob);
  const existing = await fs.lstat(link).catch(() => null);
  if (existing?.isSymbolicLink() && (await fs.readlink(link)) === target) return false;
  if (existing?.isDirectory()) throw new Error(`${link} is a directory`);
  await fs.mkdir(path.dirname(link), { recursive: true });
  // Link beside, then rename over: a reader never sees the entry missing.
  const temp = `${link}.${randomBytes(4).toString("hex")}.tmp`;
  await fs.symlink(target, temp);
  try {
    await fs.rename(temp, link);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  return true;
}

/** `refs/pr/1` lives in `refs/refs/pr/1`, as huggingface_hub writes it. */
export function refFilePath(paths: RepoPaths, revision: string): string {
  assertSafeRelativePath(revision, "revision");
  return path.join(paths.refs, ...revision.split("/"));
}

/**
 * Records which commit a revision points to. Skipped when the revision is itself a
 * commit. Returns true when the file was written.
 */
export async function writeRef(paths: RepoPaths, revision: string, commit: string): Promise<boolean> {
  assertCommit(commit);
  if (COMMIT.test(revision)) return false;
  const file = refFilePath(paths, revision);
  const current = await fs.readFile(file, "utf8").catch(() => null);
  if (current === commit) return false;
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  // No trailing newline: @huggingface/hub reads the file verbatim as the commit id.
  await fs.writeFile(temp, commit);
  await fs.rename(temp, file);
  return true;
}
