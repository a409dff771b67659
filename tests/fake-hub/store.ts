// In-memory view of the fixture repos: case-insensitive lookup, refs → commits, file
// bytes/hashes, and the metadata JSON body the Hub returns.
import {
  type ContentSpec,
  contentSize,
  gitBlobSha1,
  knownSha256,
  LAZY_HASH_THRESHOLD,
  lfsPointer,
  sha1Hex,
  sha256Async,
  sha256Sync,
} from "./content";
import type { FixtureFile, FixtureRedirect, FixtureRepo } from "./fixtures";

export interface StoredFile {
  repoId: string;
  path: string;
  lfs: boolean;
  size: number;
  spec: ContentSpec;
}

export interface StoredRepo {
  fixture: FixtureRepo;
  id: string;
  /** ref label (main, v1.0, refs/pr/1) → 40-hex commit */
  refs: Map<string, string>;
  /** The files at main's head. */
  files: Map<string, StoredFile>;
  /** Every commit's files: a push adds one, and older commits stay downloadable. */
  commits: Map<string, Map<string, StoredFile>>;
  pushes: number;
}

/** A push: files written (added or changed) and paths removed, on top of main's head. */
export interface RepoPush {
  write?: FixtureFile[];
  remove?: string[];
}

export interface FileInfo {
  size: number;
  sha256: string;
  lfs: boolean;
  commit: string;
}

function toSpec(repoId: string, file: FixtureFile): ContentSpec {
  if (file.kind === "text") return { kind: "text", bytes: Buffer.from(file.content, "utf8") };
  const magic = file.path.toLowerCase().endsWith(".gguf") ? "GGUF" : null;
  return { kind: "binary", seed: file.seed ?? `${repoId}/${file.path}`, size: file.size, magic };
}

function storedFile(repoId: string, f: FixtureFile): StoredFile {
  const spec = toSpec(repoId, f);
  const lfs = f.kind === "binary" ? f.lfs : (f.lfs ?? false);
  // Small files are hashed now; big ones wait until someone needs the hash.
  if (contentSize(spec) <= LAZY_HASH_THRESHOLD) sha256Sync(spec);
  return { repoId, path: f.path, lfs, size: contentSize(spec), spec };
}

export class RepoStore {
  private readonly repos = new Map<string, StoredRepo>();
  private readonly redirects = new Map<string, string>();

  constructor(repos: FixtureRepo[], redirects: FixtureRedirect[]) {
    for (const fixture of repos) {
      const refs = new Map<string, string>();
      for (const label of ["main", ...(fixture.revisions ?? [])]) {
        // Deterministic per repo and ref, so tests can pin commits across runs.
        refs.set(label, sha1Hex(`${fixture.id}@${label}`));
      }
      const files = new Map<string, StoredFile>();
      for (const f of fixture.files) files.set(f.path, storedFile(fixture.id, f));
      const commits = new Map([...refs.values()].map((commit) => [commit, files]));
      this.repos.set(fixture.id.toLowerCase(), { fixture, id: fixture.id, refs, files, commits, pushes: 0 });
    }
    for (const r of redirects) this.redirects.set(r.from.toLowerCase(), r.to);
  }

  /** A new commit on main: its files are main's with `push` applied. Returns the commit. */
  push(id: string, push: RepoPush): string {
    const repo = this.find(id);
    if (!repo) throw new Error(`push: no repo ${id}`);
    const files = new Map(repo.files);
    for (const path of push.remove ?? []) files.delete(path);
    for (const f of push.write ?? []) files.set(f.path, storedFile(repo.id, f));
    const commit = sha1Hex(`${repo.id}@push${++repo.pushes}`);
    repo.commits.set(commit, files);
    repo.refs.set("main", commit);
    repo.files = files;
    return commit;
  }

  /** The repository is gone: deleted, or made private, as an anonymous caller sees it. */
  deleteRepo(id: string): void {
    this.repos.delete(id.toLowerCase());
  }

  /** The files at `commit` (one `resolveRev` returned). */
  filesAt(repo: StoredRepo, commit: string): Map<string, StoredFile> {
    return repo.commits.get(commit) ?? repo.files;
  }

  find(id: string): StoredRepo | undefined {
    return this.repos.get(id.toLowerCase());
  }

  /** Target (repo id or absolute URL) when `id` is a renamed/legacy id. */
  redirectFor(id: string): string | undefined {
    return this.redirects.get(id.toLowerCase());
  }

  /** A ref label or any of the repo's full commit shas → commit; undefined if unknown. */
  resolveRev(repo: StoredRepo, rev: string): string | undefined {
    const byLabel = repo.refs.get(rev);
    if (byLabel) return byLabel;
    const lower = rev.toLowerCase();
    if (/^[0-9a-f]{40}$/.test(lower) && repo.commits.has(lower)) return lower;
    return undefined;
  }

  sha256Sync(file: StoredFile): string {
    return sha256Sync(file.spec);
  }

  sha256(file: StoredFile): Promise<string> {
    return sha256Async(file.spec);
  }

  /** Git blob id: of the bytes for regular files, of the LFS pointer for LFS files. */
  async blobId(file: StoredFile): Promise<string> {
    if (file.spec.kind === "text" && !file.lfs) return gitBlobSha1(file.spec.bytes);
    return gitBlobSha1(lfsPointer(await this.sha256(file), file.size));
  }

  fileInfo(repoId: string, path: string): FileInfo | undefined {
    const repo = this.find(repoId);
    const file = repo?.files.get(path);
    if (!repo || !file) return undefined;
    return { size: file.size, sha256: this.sha256Sync(file), lfs: file.lfs, commit: repo.refs.get("main") ?? "" };
  }

  /** A file whose sha256 is already known and equals `sha` (the CDN's fallback lookup). */
  findBySha(sha: string): StoredFile | undefined {
    for (const repo of this.repos.values()) {
      for (const files of repo.commits.values()) {
        for (const file of files.values()) if (knownSha256(file.spec) === sha) return file;
      }
    }
    return undefined;
  }

  /** The body of GET /api/models/{id}[/revision/{rev}] for an already-resolved commit. */
  async metadata(repo: StoredRepo, commit: string, blobs: boolean): Promise<Record<string, unknown>> {
    const f = repo.fixture;
    const siblings: Record<string, unknown>[] = [];
    for (const file of this.filesAt(repo, commit).values()) {
      const sibling: Record<string, unknown> = { rfilename: file.path, blobId: await this.blobId(file) };
      if (blobs) {
        sibling.size = file.size;
        if (file.lfs) {
          const sha256 = await this.sha256(file);
          sibling.lfs = { sha256, size: file.size, pointerSize: lfsPointer(sha256, file.size).length };
        }
      }
      siblings.push(sibling);
    }
    return {
      _id: sha1Hex(`_id:${repo.id}`).slice(0, 24),
      id: repo.id,
      modelId: repo.id,
      author: repo.id.split("/")[0],
      sha: commit,
      lastModified: f.lastModified,
      private: f.private ?? false,
      gated: f.gated ?? false,
      disabled: f.disabled ?? false,
      downloads: 0,
      likes: 0,
      tags: f.tags,
      pipeline_tag: f.pipelineTag,
      library_name: f.libraryName,
      createdAt: f.createdAt,
      siblings,
    };
  }
}
