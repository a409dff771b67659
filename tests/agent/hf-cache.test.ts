// The cache layout the agent writes must be the one huggingface_hub (and so vLLM,
// transformers, llama.cpp) reads; removal must keep whatever another model still uses.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { scanCacheDir } from "@huggingface/hub";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CachedModelFiles, removeModelFiles, type WrittenFiles } from "../../cli/agent/cache/gc";
import {
  ensureRepoDirs,
  getRepoPaths,
  linkSnapshotFile,
  snapshotLinkTarget,
  writeRef,
} from "../../cli/agent/cache/hf-layout";

const REPO = "acme/big-model-GGUF";
const COMMIT = "a".repeat(40);
const OTHER_COMMIT = "b".repeat(40);
const NESTED = "Q4_K_M/x-00001-of-00003.gguf";
let cache: string;

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/** Puts a blob in place the way a finished download does and returns its name. */
function addBlob(content: string): string {
  const paths = getRepoPaths(cache, REPO);
  const name = sha(content);
  writeFileSync(path.join(paths.blobs, name), content);
  return name;
}

async function place(commit: string, file: string, content: string, written: WrittenFiles) {
  const paths = getRepoPaths(cache, REPO);
  const blob = addBlob(content);
  if (!written.blobs.includes(blob)) written.blobs.push(blob);
  if (await linkSnapshotFile(paths, commit, file, blob)) written.links.push(`${commit}/${file}`);
  return blob;
}

beforeEach(async () => {
  cache = mkdtempSync(path.join(os.tmpdir(), "llmlb-cache-"));
  await ensureRepoDirs(getRepoPaths(cache, REPO));
});
afterEach(() => rmSync(cache, { recursive: true, force: true }));

describe("hf cache layout", () => {
  it("names the repo folder and links nested snapshot paths relatively to the blob", async () => {
    const paths = getRepoPaths(cache, REPO);
    expect(paths.root).toBe(path.join(cache, "models--acme--big-model-GGUF"));
    const written: WrittenFiles = { blobs: [], links: [] };
    const blob = await place(COMMIT, NESTED, "shard one", written);
    const link = path.join(paths.snapshots, COMMIT, "Q4_K_M", "x-00001-of-00003.gguf");
    expect(readlinkSync(link)).toBe(`../../../blobs/${blob}`);
    expect(readFileSync(link, "utf8")).toBe("shard one");
    expect(snapshotLinkTarget("top.gguf", blob)).toBe(`../../blobs/${blob}`);
    // Linking again is a no-op; pointing the path at another blob replaces the link.
    expect(await linkSnapshotFile(paths, COMMIT, NESTED, blob)).toBe(false);
    const other = addBlob("shard one, take two");
    expect(await linkSnapshotFile(paths, COMMIT, NESTED, other)).toBe(true);
    expect(readFileSync(link, "utf8")).toBe("shard one, take two");
  });

  it("writes refs without a newline, nests refs/pr/N, and skips commit revisions", async () => {
    const paths = getRepoPaths(cache, REPO);
    expect(await writeRef(paths, "main", COMMIT)).toBe(true);
    expect(await writeRef(paths, "main", COMMIT)).toBe(false);
    expect(await writeRef(paths, "refs/pr/1", OTHER_COMMIT)).toBe(true);
    expect(await writeRef(paths, COMMIT, COMMIT)).toBe(false);
    expect(readFileSync(path.join(paths.refs, "main"), "utf8")).toBe(COMMIT);
    expect(readFileSync(path.join(paths.refs, "refs", "pr", "1"), "utf8")).toBe(OTHER_COMMIT);
    expect(existsSync(path.join(paths.refs, COMMIT))).toBe(false);
  });

  it("refuses paths that would leave the cache", async () => {
    const paths = getRepoPaths(cache, REPO);
    await expect(linkSnapshotFile(paths, COMMIT, "../../../etc/passwd", "x")).rejects.toThrow(/unsafe/);
    await expect(linkSnapshotFile(paths, "../x", "a.gguf", "x")).rejects.toThrow(/commit/);
    await expect(writeRef(paths, "../../evil", COMMIT)).rejects.toThrow(/unsafe/);
    expect(() => getRepoPaths(cache, "../etc")).toThrow(/repo id/);
  });

  it("is read back by @huggingface/hub's scanCacheDir: repo, revision, refs and files", async () => {
    const paths = getRepoPaths(cache, REPO);
    const written: WrittenFiles = { blobs: [], links: [] };
    await place(COMMIT, "big-model-Q2_K.gguf", "q2 weights", written);
    await place(COMMIT, NESTED, "shard one", written);
    await writeRef(paths, "main", COMMIT);
    // The agent's own state folder sits in the cache too; it must not hide the repo.
    mkdirSync(path.join(cache, ".llmlb"));

    const scan = await scanCacheDir(cache);
    const repo = scan.repos.find((r) => r.id.name === REPO);
    const revision = repo?.revisions.find((r) => r.commitOid === COMMIT);
    expect(revision?.refs).toEqual(["main"]);
    // @huggingface/hub 2.17 lists top-level snapshot files only (Python's scan_cache_dir
    // recurses), so the nested shard is not counted here; the link itself is checked above.
    expect(repo).toMatchObject({ id: { name: REPO, type: "model" }, filesCount: 1 });
    expect(revision?.files.map((f) => path.basename(f.path))).toEqual(["big-model-Q2_K.gguf"]);
    expect(revision?.files[0]?.blob.path).toBe(path.join(paths.blobs, sha("q2 weights")));
    // The `.llmlb` folder is reported as a non-repo entry, nothing worse.
    expect(scan.warnings.map((w) => w.message)).toEqual([expect.stringContaining(".llmlb")]);
  });
});

describe("removeModelFiles", () => {
  it("keeps links and blobs another model needs, removes the rest, then the empty repo", async () => {
    const paths = getRepoPaths(cache, REPO);
    const written: WrittenFiles = { blobs: [], links: [] };
    const shards = ["Q8_0/m-00001-of-00002.gguf", "Q8_0/m-00002-of-00002.gguf"];
    const shardBlobs = [await place(COMMIT, shards[0], "s1", written), await place(COMMIT, shards[1], "s2", written)];
    const single = await place(COMMIT, "big-model-Q2_K.gguf", "q2", written);
    await writeRef(paths, "main", COMMIT);
    const files = (list: string[], blobs: string[]) => list.map((p, i) => ({ path: p, blob: blobs[i] ?? null }));
    const repoModel: CachedModelFiles = {
      repo: REPO,
      commit: COMMIT,
      files: files(["big-model-Q2_K.gguf", ...shards], [single, ...shardBlobs]),
    };
    const shardModel: CachedModelFiles = { repo: REPO, commit: COMMIT, files: files(shards, shardBlobs) };
    const singleModel: CachedModelFiles = {
      repo: REPO,
      commit: COMMIT,
      files: files(["big-model-Q2_K.gguf"], [single]),
    };

    // The shard model goes; the repo model still uses every shard: nothing may disappear.
    let result = await removeModelFiles({
      cacheDir: cache,
      model: shardModel,
      others: [repoModel, singleModel],
      written,
    });
    expect(result).toEqual({ links: 0, blobs: 0, freedBytes: 0 });
    expect(readFileSync(path.join(paths.snapshots, COMMIT, shards[0]), "utf8")).toBe("s1");

    // The repo model goes; the single-file model keeps the Q2_K link and blob only.
    result = await removeModelFiles({ cacheDir: cache, model: repoModel, others: [singleModel], written });
    expect(result).toEqual({ links: 2, blobs: 2, freedBytes: 4 });
    expect(existsSync(path.join(paths.snapshots, COMMIT, "Q8_0"))).toBe(false);
    for (const b of shardBlobs) expect(existsSync(path.join(paths.blobs, b))).toBe(false);
    expect(readFileSync(path.join(paths.snapshots, COMMIT, "big-model-Q2_K.gguf"), "utf8")).toBe("q2");
    expect(readFileSync(path.join(paths.refs, "main"), "utf8")).toBe(COMMIT);

    // The last model goes: snapshot, ref and repo folder disappear.
    result = await removeModelFiles({ cacheDir: cache, model: singleModel, others: [], written });
    expect(result).toEqual({ links: 1, blobs: 1, freedBytes: 2 });
    expect(existsSync(paths.root)).toBe(false);
    expect(written).toEqual({ blobs: [], links: [] });
  });

  it("never deletes what it did not write, nor a partial download another model needs", async () => {
    const paths = getRepoPaths(cache, REPO);
    const written: WrittenFiles = { blobs: [], links: [] };
    // Someone else's download of the same file (e.g. huggingface_hub), reused by the agent.
    const foreign = addBlob("theirs");
    await linkSnapshotFile(paths, COMMIT, "shared.gguf", foreign);
    await writeRef(paths, "main", COMMIT);
    const mine = await place(COMMIT, "mine.gguf", "mine", written);
    writeFileSync(path.join(paths.blobs, `${"c".repeat(64)}.incomplete`), "partial");
    const model: CachedModelFiles = {
      repo: REPO,
      commit: COMMIT,
      files: [
        { path: "shared.gguf", blob: foreign },
        { path: "mine.gguf", blob: mine },
        { path: "later.gguf", blob: "c".repeat(64) },
      ],
    };
    const other: CachedModelFiles = {
      repo: REPO,
      commit: OTHER_COMMIT,
      files: [{ path: "later.gguf", blob: "c".repeat(64) }],
    };
    await removeModelFiles({ cacheDir: cache, model, others: [other], written });
    expect(readFileSync(path.join(paths.snapshots, COMMIT, "shared.gguf"), "utf8")).toBe("theirs");
    expect(existsSync(path.join(paths.snapshots, COMMIT, "mine.gguf"))).toBe(false);
    expect(existsSync(path.join(paths.blobs, mine))).toBe(false);
    expect(existsSync(path.join(paths.blobs, `${"c".repeat(64)}.incomplete`))).toBe(true);
    expect(readFileSync(path.join(paths.refs, "main"), "utf8")).toBe(COMMIT);
  });
});
