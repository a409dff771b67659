// File downloads on the Hub origin:
//   GET|HEAD /{id}/resolve/{rev}/{path}  → 307 (small files, relative) or 302 (LFS, to the CDN)
//   GET|HEAD /api/resolve-cache/models/{id}/{commit}/{path} → the small file's bytes
import { createHmac, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { redirectLocation, splitRepoPath } from "./api-models";
import { authOf, etagFor, faultOf, type HubContext, streamOptionsFor } from "./context";
import {
  decodeSegments,
  entryNotFound,
  gatedRepo,
  internalError,
  invalidCredentials,
  notFound,
  rateLimited,
  repoNotFound,
  revisionNotFound,
  sendEmpty,
  serveBytes,
  serviceUnavailable,
  unauthorized,
} from "./http-util";
import type { StoredFile, StoredRepo } from "./store";

const signingKey = randomBytes(32);
const encodePath = (path: string) => path.split("/").map(encodeURIComponent).join("/");

type Access = { repo: StoredRepo; commit: string; file: StoredFile } | null;

/**
 * Shared auth/lookup chain of both download routes. Answers the error itself and
 * returns null, or returns what to serve.
 */
function access(
  ctx: HubContext,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  rev: string,
  path: string,
): Access {
  const deny = (send: () => void): null => {
    send();
    return null;
  };
  const auth = authOf(ctx, req);
  const repo = ctx.store.find(id);
  if (!repo) {
    return deny(() => (auth === "valid" ? repoNotFound(res, `${ctx.hubUrl}${req.url ?? ""}`) : unauthorized(res)));
  }
  if (repo.fixture.private && auth !== "valid") return deny(() => unauthorized(res));
  if (repo.fixture.behavior === "rate-limited") return deny(() => rateLimited(res));
  if (repo.fixture.behavior === "failing") return deny(() => internalError(res));
  // Gated metadata is public, but bytes need an account that accepted the terms.
  if (repo.fixture.gated && auth !== "valid") return deny(() => gatedRepo(res, repo.id));
  const commit = ctx.store.resolveRev(repo, rev);
  if (!commit) return deny(() => revisionNotFound(res, rev));
  const file = ctx.store.filesAt(repo, commit).get(path);
  if (!file) return deny(() => entryNotFound(res, { "X-Repo-Commit": commit }));
  if (faultOf(ctx, file) === "unavailable") return deny(() => serviceUnavailable(res));
  return { repo, commit, file };
}

/** `segs`: raw path segments of the whole URL path (first is the owner or legacy id). */
export async function handleResolve(
  ctx: HubContext,
  req: IncomingMessage,
  res: ServerResponse,
  segs: string[],
  url: URL,
): Promise<void> {
  if (authOf(ctx, req) === "invalid") return invalidCredentials(res);
  const parts = splitRepoPath(ctx.store, segs, "resolve");
  if (parts?.tail[0] !== "resolve") return notFound(res);
  const target = ctx.store.redirectFor(parts.id);
  if (target) return sendEmpty(res, 307, { Location: redirectLocation(target, "", parts.tail, url.search) });

  const rest = decodeSegments(parts.tail.slice(1));
  if (!rest || rest.length < 2) return notFound(res);
  // Clients should encode refs/pr/N as one segment, but accept it spelled out too.
  const plainRef = rest[0] === "refs" && ["pr", "convert"].includes(rest[1]) && rest.length >= 4;
  const rev = plainRef ? rest.slice(0, 3).join("/") : rest[0];
  const path = (plainRef ? rest.slice(3) : rest.slice(1)).join("/");
  if (!path) return notFound(res);

  const found = access(ctx, req, res, parts.id, rev, path);
  if (!found) return;
  const { repo, commit, file } = found;
  if (!file.lfs) {
    const blobId = await ctx.store.blobId(file);
    return sendEmpty(res, 307, {
      Location: `/api/resolve-cache/models/${repo.id}/${commit}/${encodePath(file.path)}`,
      "X-Repo-Commit": commit,
      ETag: etagFor(ctx, file, blobId),
    });
  }
  const sha256 = await ctx.store.sha256(file);
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const signature = createHmac("sha256", signingKey)
    .update(`${sha256}|${expires}|${repo.id}|${file.path}`)
    .digest("hex")
    .slice(0, 40);
  ctx.signatures.set(signature, file);
  sendEmpty(res, 302, {
    Location: `${ctx.cdnUrl}/repos/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}?expires=${expires}&signature=${signature}`,
    "X-Repo-Commit": commit,
    "X-Linked-Size": String(file.size),
    "X-Linked-Etag": `"${sha256}"`,
    ETag: `"${sha256}"`,
  });
}

/** `segs`: raw segments after `/api/resolve-cache/models/`: owner, repo, commit, path... */
export async function handleResolveCache(
  ctx: HubContext,
  req: IncomingMessage,
  res: ServerResponse,
  segs: string[],
): Promise<void> {
  if (authOf(ctx, req) === "invalid") return invalidCredentials(res);
  const decoded = decodeSegments(segs);
  if (!decoded || decoded.length < 4) return notFound(res);
  const [owner, name, rev, ...pathParts] = decoded;
  const found = access(ctx, req, res, `${owner}/${name}`, rev, pathParts.join("/"));
  if (!found) return;
  const { commit, file } = found;
  const blobId = await ctx.store.blobId(file);
  await serveBytes(
    req,
    res,
    file.spec,
    file.size,
    {
      "Content-Type": file.spec.kind === "text" ? "text/plain; charset=utf-8" : "application/octet-stream",
      ETag: etagFor(ctx, file, blobId),
      "X-Repo-Commit": commit,
    },
    streamOptionsFor(ctx, file),
  );
}
