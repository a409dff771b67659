// Response helpers shared by both servers: JSON bodies with the Hub's exact error
// texts, Range parsing, and a byte streamer that honours backpressure and throttling.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { byteRange, type ContentSpec, flipBytes } from "./content";

export const JSON_TYPE = "application/json; charset=utf-8";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...headers, "Content-Type": JSON_TYPE, "Content-Length": payload.length });
  res.end(res.req.method === "HEAD" ? undefined : payload);
}

/** Bodiless response (redirects, HEAD answers). */
export function sendEmpty(res: ServerResponse, status: number, headers: OutgoingHttpHeaders): void {
  res.writeHead(status, { ...headers, "Content-Length": 0 });
  res.end();
}

export const notFound = (res: ServerResponse) => sendJson(res, 404, { error: "Not Found" });

// The real Hub gives no hint whether the repo is missing or private to anonymous callers.
export const unauthorized = (res: ServerResponse) => sendJson(res, 401, { error: "Invalid username or password." });

export const invalidCredentials = (res: ServerResponse) =>
  sendJson(res, 401, { error: "Invalid credentials in Authorization header" });

export const repoNotFound = (res: ServerResponse, url: string) =>
  sendJson(res, 404, { error: `Repository Not Found for url: ${url}` }, { "X-Error-Code": "RepoNotFound" });

export const revisionNotFound = (res: ServerResponse, rev: string) =>
  sendJson(res, 404, { error: `Invalid rev id: ${rev}` }, { "X-Error-Code": "RevisionNotFound" });

export const entryNotFound = (res: ServerResponse, headers: OutgoingHttpHeaders = {}) =>
  sendJson(res, 404, { error: "Entry not found" }, { ...headers, "X-Error-Code": "EntryNotFound" });

export const gatedRepo = (res: ServerResponse, repoId: string) =>
  sendJson(
    res,
    401,
    {
      error: `Access to model ${repoId} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
    },
    { "X-Error-Code": "GatedRepo" },
  );

export const rateLimited = (res: ServerResponse) =>
  sendJson(
    res,
    429,
    {
      error:
        "You have exceeded our rate limit of 500 API requests per 5 minutes period. Please retry after 42 seconds.",
    },
    {
      "Retry-After": "42",
      RateLimit: '"api";r=0;t=42',
      "RateLimit-Policy": '"fixed window";"api";q=500;w=300',
    },
  );

export const serviceUnavailable = (res: ServerResponse) => sendJson(res, 503, { error: "Service unavailable" });

export const internalError = (res: ServerResponse) => sendJson(res, 500, { error: "Internal Error" });

/** Decodes each raw path segment; null if any is malformed percent-encoding. */
export function decodeSegments(raw: string[]): string[] | null {
  try {
    return raw.map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}

export type RangeResult = { start: number; end: number } | "unsatisfiable" | null;

/** Single-range `bytes=a-b`, `bytes=a-`, `bytes=-n`. null = ignore the header (serve all). */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null; // multi-range or junk: serve whole
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

export interface StreamOptions {
  /** Read per chunk so a test can change the rate mid-download. */
  throttle: () => number | null;
  corrupt: boolean;
  /** Send the headers, then nothing: the connection stays open until the client gives up. */
  stall?: boolean;
  /** Serve the whole file whatever Range asks for (a mirror without Range support). */
  ignoreRange?: boolean;
  /** Aborts the stream (hub closing). */
  closed: () => boolean;
}

/** Resolves once the response can take more bytes (or is closed). */
export function waitWritable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Writes bytes [start, end] of `spec` to an already-headed response, then ends it. */
export async function streamBytes(
  res: ServerResponse,
  spec: ContentSpec,
  start: number,
  end: number,
  opts: StreamOptions,
): Promise<void> {
  let nextAt = Date.now();
  for (const block of byteRange(spec, start, end)) {
    // Split further when throttled so pacing stays smooth (≈20 writes per second).
    let offset = 0;
    while (offset < block.length) {
      if (res.destroyed || opts.closed()) return;
      const bps = opts.throttle();
      const size = bps ? Math.max(1, Math.min(block.length - offset, Math.floor(bps / 20))) : block.length - offset;
      let chunk = block.subarray(offset, offset + size);
      offset += size;
      if (bps) {
        const wait = nextAt - Date.now();
        if (wait > 0) await sleep(wait);
        if (res.destroyed || opts.closed()) return;
        nextAt = Math.max(nextAt, Date.now() - 100) + (size / bps) * 1000;
      }
      if (opts.corrupt) chunk = flipBytes(chunk);
      if (!res.write(chunk)) await waitWritable(res);
    }
  }
  if (!res.destroyed) res.end();
}

/** Headers + status for serving a whole file or one range of it; streams unless HEAD. */
export async function serveBytes(
  req: IncomingMessage,
  res: ServerResponse,
  spec: ContentSpec,
  size: number,
  headers: OutgoingHttpHeaders,
  opts: StreamOptions,
): Promise<void> {
  const range = opts.ignoreRange ? null : parseRange(req.headers.range, size);
  if (range === "unsatisfiable") {
    sendJson(
      res,
      416,
      { error: "Requested Range Not Satisfiable" },
      { ...headers, "Content-Range": `bytes */${size}` },
    );
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const partial = range !== null;
  res.writeHead(partial ? 206 : 200, {
    ...headers,
    "Accept-Ranges": "bytes",
    "Content-Length": Math.max(0, end - start + 1),
    ...(partial ? { "Content-Range": `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === "HEAD" || size === 0) {
    res.end();
    return;
  }
  if (opts.stall) {
    // Closing the hub closes every connection, this one included.
    await new Promise<void>((resolve) => res.once("close", () => resolve()));
    return;
  }
  await streamBytes(res, spec, start, end, opts);
}
