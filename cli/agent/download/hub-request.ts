// The request side of a file download: the Hub's redirect chain, walked by hand so the
// token only ever reaches the Hub's own origin, and what its headers tell about the file.
// Plain-HTTP answers are read by plain-http.ts straight into the blob writer's ring;
// HTTPS through node:http, whose body is a plain stream of Buffers (far cheaper per byte
// than fetch's web ReadableStream), copied into the same ring.
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import path from "node:path";
import { statSize } from "../cache/hf-layout";
import type { BlobWriter } from "./blob-writer";
import { DownloadError } from "./errors";
import { NEEDS_NODE_HTTP, plainGet } from "./plain-http";
import { collectYoungGarbage } from "./young-gc";

export interface HubFileRequest {
  hfEndpoint: string;
  hfToken?: string | null;
  repo: string;
  commit: string;
  path: string;
  blobsDir: string;
  userAgent?: string;
}

export interface BodyHooks {
  watchdog: Watchdog;
  /** After each piece of the body is in the writer; may throw to stop the transfer. */
  onData(bytes: number): void;
}

/** The body of one answer, still to read. */
export interface HubBody {
  /**
   * Reads the rest of the body into `writer`. Rejects with the writer's WriteFailure when
   * the disk fails, with what `onData` threw, or with a network error when the connection
   * ends before the body does.
   */
  pipeTo(writer: BlobWriter, hooks: BodyHooks): Promise<void>;
  /** The body is not wanted (a redirect's line of text): its connection is freed. */
  drain(): void;
  /** Stops reading and closes the connection. */
  destroy(): void;
}

/** One answer of the chain: its status, headers, and the body still to read (or discard). */
export interface HubResponse {
  status: number;
  header(name: string): string | null;
  body: HubBody;
}

/** Stops reading an answer and closes its connection. */
export function discard(res: HubResponse): void {
  res.body.destroy();
}

/** Bytes between two minor GCs while reading Buffers (young-gc.ts). */
const COLLECT_EVERY = 4 * 1024 * 1024;

function nodeBody(res: IncomingMessage): HubBody {
  return {
    async pipeTo(writer, hooks) {
      const chunks = res[Symbol.asyncIterator]();
      let uncollected = 0;
      for (;;) {
        hooks.watchdog.arm();
        const { done, value } = await chunks.next();
        hooks.watchdog.disarm();
        if (done) return;
        const chunk = value as Buffer;
        await writer.push(chunk);
        hooks.onData(chunk.length);
        uncollected += chunk.length;
        if (uncollected >= COLLECT_EVERY) {
          uncollected = 0;
          collectYoungGarbage();
        }
      }
    },
    drain: () => res.resume(),
    destroy: () => res.destroy(),
  };
}

function nodeGet(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<HubResponse> {
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { headers, signal }, (res) => {
      resolve({
        status: res.statusCode ?? 0,
        header: (name) => {
          const value = res.headers[name];
          return (Array.isArray(value) ? value.join(", ") : value) ?? null;
        },
        body: nodeBody(res),
      });
    });
    req.on("error", reject);
  });
}

/**
 * Plain HTTP goes through plain-http.ts, unless the URL carries credentials (node:http
 * turns them into Basic auth) or the answer needs framing that reader leaves to node:http.
 */
async function get(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<HubResponse> {
  const parsed = new URL(url);
  if (parsed.protocol === "http:" && !parsed.username && !parsed.password) {
    const res = await plainGet(parsed, headers, signal);
    if (res !== NEEDS_NODE_HTTP) return res;
  }
  return nodeGet(url, headers, signal);
}

/** What is known about one file's transfer; filled in as the Hub's answers arrive. */
export interface Transfer {
  /**
   * Name of the partial file, fixed for the whole transfer: the manifest's sha256, else a
   * name derived from repo, commit and path. Never a name the Hub's headers chose.
   */
  partial: string;
  /** Bytes already in the partial file (and in `hash`). */
  offset: number;
  hash: Hash;
  /**
   * The git blob sha1 of a file with no expected sha256, downloaded from its first byte with
   * its size known up front (`gitSize`): the name huggingface_hub gives such blobs.
   */
  gitHash: Hash | null;
  gitSize: number | null;
  expectedSize: number | null;
  /** From the manifest, or the Hub's X-Linked-Etag: the bytes must hash to it. */
  expectedSha: string | null;
}

/** Stall detection: armed while waiting for the network, disarmed while the agent itself works. */
export interface Watchdog {
  arm(): void;
  disarm(): void;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** ETag → bare value: no `W/`, no quotes. */
export function normalizeEtag(value: string | null): string | null {
  const bare = value
    ?.trim()
    .replace(/^W\//, "")
    .replace(/^"(.*)"$/, "$1");
  return bare || null;
}

export function buildHubResolveUrl(hfEndpoint: string, repo: string, commit: string, file: string): string {
  const encoded = file.split("/").map(encodeURIComponent).join("/");
  return `${hfEndpoint.replace(/\/+$/, "")}/${repo}/resolve/${commit}/${encoded}`;
}

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
  if (linked && SHA256_HEX.test(linked)) {
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
    const res = await get(url, headers, signal);
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
