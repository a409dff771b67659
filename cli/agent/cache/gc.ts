// Removing a deleted model from the cache without touching what others still use:
// only links and blobs this agent wrote, only when no remaining model or snapshot
// needs them, then dangling refs and empty folders.
import fs from "node:fs/promises";
import path from "node:path";
import { assertCommit, getRepoPaths, isValidBlobName, type RepoPaths, snapshotFilePath } from "./hf-layout";
import type { BlobLedger } from "./verify-blob";

export interface CachedModelFiles {
  repo: string;
  commit: string;
  files: { path: string; blob: string | null }[];
}

/** What this agent created in one repo folder; links are `{commit}/{path}`. Mutated as things go. */
export interface WrittenFiles {
  blobs: string[];
  links: string[];
}

export interface RemovalResult {
  links: number;
  blobs: number;
  freedBytes: number;
}

const exists = (p: string) =>
  fs.lstat(p).then(
    () => true,
    () => false,
  );

/** Removes empty folders from `dir` up to and including `stop`. */
async function pruneEmptyDirs(dir: string, stop: string): Promise<void> {
  for (let current = dir; current.startsWith(stop); current = path.dirname(current)) {
    try {
      await fs.rmdir(current);
    } catch {
      return; // not empty (or gone): nothing above can be empty either
    }
    if (current === stop) return;
  }
}

/** Every blob name some snapshot link in this repo points to. */
async function referencedBlobs(paths: RepoPaths): Promise<Set<string>> {
  const names = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isSymbolicLink()) {
        const target = path.resolve(dir, await fs.readlink(full));
        if (path.dirname(target) === paths.blobs) names.add(path.basename(target));
      }
    }
  };
  await walk(paths.snapshots);
  return names;
}

/** Drops ref files whose commit has no snapshot folder any more (they break cache scanners). */
async function removeDanglingRefs(paths: RepoPaths): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
        if (full !== paths.refs) await fs.rmdir(full).catch(() => {});
        continue;
      }
      const commit = (await fs.readFile(full, "utf8").catch(() => "")).trim();
      if (/^[0-9a-f]{40}$/.test(commit) && !(await exists(path.join(paths.snapshots, commit)))) {
        await fs.rm(full, { force: true });
      }
    }
  };
  await walk(paths.refs);
}

async function hasFiles(dir: string): Promise<boolean> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || (await hasFiles(path.join(dir, entry.name)))) return true;
  }
  return false;
}

export async function removeModelFiles(opts: {
  cacheDir: string;
  model: CachedModelFiles;
  /** Models that stay tracked (any repo); those of the same repo keep their links and blobs. */
  others: CachedModelFiles[];
  written: WrittenFiles;
  /** Forgets the checks of the blobs removed. */
  ledger?: BlobLedger;
}): Promise<RemovalResult> {
  const { model, written } = opts;
  const result: RemovalResult = { links: 0, blobs: 0, freedBytes: 0 };
  assertCommit(model.commit);
  const paths = getRepoPaths(opts.cacheDir, model.repo);
  if (!(await exists(paths.root))) return result;

  const sameRepo = opts.others.filter((m) => m.repo === model.repo);
  const neededLinks = new Set(sameRepo.flatMap((m) => m.files.map((f) => `${m.commit}/${f.path}`)));
  const neededBlobs = new Set(sameRepo.flatMap((m) => m.files.flatMap((f) => (f.blob ? [f.blob] : []))));
  const snapshotDir = path.join(paths.snapshots, model.commit);

  for (const file of model.files) {
    const key = `${model.commit}/${file.path}`;
    if (file.blob && isValidBlobName(file.blob) && !neededBlobs.has(file.blob)) {
      // A partial download is always ours; resume is pointless once the model is gone.
      await fs.rm(path.join(paths.blobs, `${file.blob}.incomplete`), { force: true });
    }
    if (neededLinks.has(key) || !written.links.includes(key)) continue;
    const link = snapshotFilePath(paths, model.commit, file.path);
    const st = await fs.lstat(link).catch(() => null);
    if (st?.isSymbolicLink()) {
      await fs.unlink(link);
      result.links++;
    }
    written.links.splice(written.links.indexOf(key), 1);
    if (path.dirname(link) !== snapshotDir) await pruneEmptyDirs(path.dirname(link), snapshotDir);
  }
  await fs.rmdir(snapshotDir).catch(() => {});

  const referenced = await referencedBlobs(paths);
  for (const blob of [...written.blobs]) {
    if (referenced.has(blob) || neededBlobs.has(blob) || !isValidBlobName(blob)) continue;
    const file = path.join(paths.blobs, blob);
    const st = await fs.lstat(file).catch(() => null);
    if (st?.isFile()) {
      await fs.unlink(file);
      opts.ledger?.forget(model.repo, blob);
      result.blobs++;
      result.freedBytes += st.size;
    }
    written.blobs.splice(written.blobs.indexOf(blob), 1);
  }

  await removeDanglingRefs(paths);
  if (!(await hasFiles(paths.root))) await fs.rm(paths.root, { recursive: true, force: true });
  return result;
}
