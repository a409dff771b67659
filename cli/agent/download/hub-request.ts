// The request side of a file download: the Hub's redirect chain, walked by hand so the
// token only ever reaches the Hub's own origin, and what its headers tell about the file.
// Each answer is read through node:http or node:https (node-http.ts).
import { normalizeEtag } from "../../../lib/format/etag";
import { SHA256_NAME } from "../cache/verify-blob";
import { DownloadError } from "./errors";
import { nodeGet } from "./node-http";
import type { HubFileRequest, HubResponse, Transfer, Watchdog } from "./types";

/** Stops reading an answer and closes its connection. */
export function discard(res: HubResponse): void {
  res.body.destroy();
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

export function buildHubResolveUrl(hfEndpoint: string, repo: string, commit: string, file: string): string {
  const encoded = file.split("/").map(encodeURIComponent).join("/");
  return `${hfEndpoint.replace(/\/+$/, "")}/${repo}/resolve/${commit}/${encoded}`;
}

/**
 * Reads the Hub's headers: the sha256 the bytes must have (X-Linked-Etag), the size, the
 * pinned commit. They only ever add checks; no header names a file.
 */
function learnFromHeaders(t: Transfer, res: HubResponse, req: HubFileRequest): void {
  const repoCommit = res.header("x-repo-commit");
  if (repoCommit && repoCommit !== req.commit) {
    throw new DownloadError("download_failed", `the Hub served commit ${repoCommit} instead of ${req.commit}`);
  }
  const linked = normalizeEtag(res.header("x-linked-etag"));
  if (linked && SHA256_NAME.test(linked)) {
    if (t.expectedSha && linked !== t.expectedSha) {
      throw new DownloadError(
        "checksum_mismatch",
        `${req.path}: the Hub reports sha256 ${linked}, the manifest expects ${t.expectedSha}`,
      );
    }
    t.expectedSha = linked;
  }
  const linkedSize = Number(res.header("x-linked-size"));
  if (t.expectedSize == null && Number.isSafeInteger(linkedSize) && linkedSize > 0) t.expectedSize = linkedSize;
}

/**
 * GET the file, following up to five redirects (relative Locations resolve against the
 * current URL). Authorization goes only to the Hub's origin, never to a CDN; Range is
 * sent on every hop once a partial file is known.
 */
export async function requestHubFile(
  t: Transfer,
  req: HubFileRequest,
  signal: AbortSignal,
  watchdog: Watchdog,
): Promise<HubResponse> {
  const hubOrigin = new URL(req.hfEndpoint).origin;
  let url = buildHubResolveUrl(req.hfEndpoint, req.repo, req.commit, req.path);
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { "accept-encoding": "identity" };
    if (req.userAgent) headers["user-agent"] = req.userAgent;
    if (req.hfToken && new URL(url).origin === hubOrigin) headers.authorization = `Bearer ${req.hfToken}`;
    if (t.offset > 0) headers.range = `bytes=${t.offset}-`;
    watchdog.arm();
    const res = await nodeGet(url, headers, signal);
    watchdog.disarm();
    try {
      learnFromHeaders(t, res, req);
    } catch (err) {
      discard(res);
      throw err;
    }
    if (!REDIRECTS.has(res.status)) return res;
    // A redirect's body is a line of text: drained, its connection goes back to the pool.
    res.body.drain();
    const location = res.header("location");
    if (!location) throw new DownloadError("download_failed", `redirect without Location for ${req.path}`);
    if (hop >= MAX_REDIRECTS) throw new DownloadError("download_failed", `too many redirects for ${req.path}`);
    const next = new URL(location, url);
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      throw new DownloadError("download_failed", `refusing a redirect to ${next.protocol} for ${req.path}`);
    }
    url = next.href;
  }
}
