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
  files: Map<string, StoredFile>;
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
      for (const f of fixture.files) {
        const spec = toSpec(fixture.id, f);
        const lfs = f.kind === "binary" ? f.lfs : (f.lfs ?? false);
        files.set(f.path, { repoId: fixture.id, path: f.path, lfs, size: contentSize(spec), spec });
        // Small files are hashed now; big ones wait until someone needs the hash.
        if (contentSize(spec) <= LAZY_HASH_THRESHOLD) sha256Sync(spec);
      }
      this.repos.set(fixture.id.toLowerCase(), { fixture, id: fixture.id, refs, files });
    }
    for (const r of redirects) this.redirects.set(r.from.toLowerCase(), r.to);
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
    if (/^[0-9a-f]{40}$/.test(lower)) {
      for (const commit of repo.refs.values()) if (commit === lower) return commit;
    }
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
      for (const file of repo.files.values()) if (knownSha256(file.spec) === sha) return file;
    }
    return undefined;
  }

  /** The body of GET /api/models/{id}[/revision/{rev}] for an already-resolved commit. */
  async metadata(repo: StoredRepo, commit: string, blobs: boolean): Promise<Record<string, unknown>> {
    const f = repo.fixture;
    const siblings: Record<string, unknown>[] = [];
    for (const file of repo.files.values()) {
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
