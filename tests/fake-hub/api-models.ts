// GET /api/models/{id}[/revision/{rev}]: the metadata call the server registers from.
import type { IncomingMessage, ServerResponse } from "node:http";
import { authOf, delay, type HubContext } from "./context";
import {
  decodeSegments,
  internalError,
  invalidCredentials,
  notFound,
  rateLimited,
  repoNotFound,
  revisionNotFound,
  sendEmpty,
  sendJson,
  serviceUnavailable,
  unauthorized,
} from "./http-util";
import { streamOversizedMetadata } from "./oversized-body";
import type { RepoStore } from "./store";

export interface RepoPathParts {
  /** Repo id as requested (one part for legacy ids like `gpt2`). */
  id: string;
  /** Raw (still encoded) segments after the id. */
  tail: string[];
}

/**
 * Splits raw segments into id + tail. A single-part id is only taken when it is a
 * known legacy id followed by `marker` (or nothing), e.g. `gpt2/revision/main`.
 */
export function splitRepoPath(store: RepoStore, segs: string[], marker: string): RepoPathParts | null {
  const decoded = decodeSegments(segs.slice(0, 2));
  if (!decoded || decoded.length === 0) return null;
  if ((segs.length === 1 || segs[1] === marker) && !decoded[0].includes("/") && store.redirectFor(decoded[0])) {
    return { id: decoded[0], tail: segs.slice(1) };
  }
  if (decoded.length < 2 || !decoded[0] || !decoded[1]) return null;
  return { id: `${decoded[0]}/${decoded[1]}`, tail: segs.slice(2) };
}

/** 307 Location for a renamed id: relative on this origin, or the absolute offsite URL as is. */
export function redirectLocation(target: string, prefix: string, tail: string[], search: string): string {
  if (/^https?:\/\//i.test(target)) return target;
  const rest = tail.length ? `/${tail.join("/")}` : "";
  return `${prefix}/${target}${rest}${search}`;
}

function wantsBlobs(url: URL): boolean {
  const v = url.searchParams.get("blobs");
  return v !== null && ["true", "1"].includes(v.toLowerCase());
}

/** `segs` are the raw path segments after `/api/models/`. */
export async function handleApiModels(
  ctx: HubContext,
  req: IncomingMessage,
  res: ServerResponse,
  segs: string[],
  url: URL,
): Promise<void> {
  if (ctx.outage === "down") return serviceUnavailable(res);
  if (ctx.outage === "ratelimit") return rateLimited(res);
  if (req.method !== "GET" && req.method !== "HEAD") return notFound(res);
  const auth = authOf(ctx, req);
  if (auth === "invalid") return invalidCredentials(res);

  const parts = splitRepoPath(ctx.store, segs, "revision");
  if (!parts) return notFound(res);
  let rev = "main";
  if (parts.tail.length > 0) {
    // The rev may arrive encoded (refs%2Fpr%2F1) or as plain segments (refs/pr/1).
    const revSegs = parts.tail[0] === "revision" ? decodeSegments(parts.tail.slice(1)) : null;
    if (!revSegs || revSegs.length === 0 || revSegs.some((s) => s === "")) return notFound(res);
    rev = revSegs.join("/");
  }

  const target = ctx.store.redirectFor(parts.id);
  if (target) {
    return sendEmpty(res, 307, { Location: redirectLocation(target, "/api/models", parts.tail, url.search) });
  }

  const repo = ctx.store.find(parts.id);
  if (!repo) return auth === "valid" ? repoNotFound(res, `${ctx.hubUrl}${req.url ?? ""}`) : unauthorized(res);
  if (repo.fixture.private && auth !== "valid") return unauthorized(res);

  switch (repo.fixture.behavior) {
    case "rate-limited":
      return rateLimited(res);
    case "failing":
      return internalError(res);
    case "slow":
      if (!(await delay(ctx, ctx.slowDelayMs))) return;
      break;
  }

  const commit = ctx.store.resolveRev(repo, rev);
  if (!commit) return revisionNotFound(res, rev);
  const { oversizedMetadata, rewriteMetadata } = repo.fixture;
  if (oversizedMetadata) {
    return streamOversizedMetadata(res, { id: repo.id, sha: commit }, oversizedMetadata, () => ctx.closed);
  }
  const body = await ctx.store.metadata(repo, commit, wantsBlobs(url));
  if (res.destroyed || ctx.closed) return;
  sendJson(res, 200, rewriteMetadata ? rewriteMetadata(body) : body);
}
