import "server-only";
import { gzipSync } from "node:zlib";
import { authenticateBearer } from "@/lib/auth/api-keys";
import { matchesEtag } from "@/lib/format/etag";
import { putNodeSync } from "@/lib/nodes/sync-http";
import { getManifestBody } from "@/lib/registry/get-manifest";
import { getOpenAiListingBody } from "@/lib/registry/list-models";
import type { CachedBody } from "./cached-body";
import { nameFromSegments } from "./model-name";
import { maxBodyBytes } from "./parse-body";
import { toErrorResponse } from "./respond";

// What a fleet and its API consumers repeat most, `/v1/models`, a model's
// `manifest.json` and a node's heartbeat (`PUT /api/nodes/{id}/sync`), answered by the
// same functions as their route handlers but before Next's router: its per-request work (URL matching, a Request and a web stream per
// response, a copy of the body) costs about a millisecond, twenty times what sending
// a cached body costs. server.mjs asks here first. The answer is the route handler's,
// made by the same functions (errors too, in the route's shape); a request this does not
// take (no key but perhaps a session cookie, a %-escaped or dotted path, a query) returns
// null and goes to the route handler, which stays the definition of the endpoint. Bodies are gzipped once per cached body for clients
// that accept it (Next drops a route handler's Content-Encoding). docs/caching.md.

export interface FastRequest {
  method: string;
  /** The request target as sent: path and query. */
  url: string;
  headers: {
    authorization?: string;
    "if-none-match"?: string;
    "accept-encoding"?: string;
    "content-length"?: string;
    "content-type"?: string;
  };
  /** The request's body as it arrives (read only for a request this takes). */
  body?: AsyncIterable<Uint8Array>;
}

export interface FastAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | null;
}

type FastPath = (req: FastRequest) => Promise<FastAnswer | null>;

/** Makes the fast path available to server.mjs (it finds it on globalThis). */
export function installFastPath(): void {
  (globalThis as unknown as { __llmlbFastPath?: FastPath }).__llmlbFastPath = answerFast;
}

const manifestPath = /^\/api\/models\/registry\/(.+)\/manifest\.json$/;
// Bodies under this many bytes are sent as they are: gzip would save less than its header costs.
const compressFrom = 1_024;

async function answerFast(req: FastRequest): Promise<FastAnswer | null> {
  if (!req.headers.authorization) return null;
  const target = req.url;
  // Anything escaped, dotted or with a query is left to Next, which decodes and normalizes it.
  if (/[%?#\\]|\/\.{1,2}(\/|$)|\/\//.test(target)) return null;
  if (req.method === "PUT") return answerHeartbeat(req);
  if (req.method !== "GET") return null;
  const v1 = target === "/v1/models";
  const manifest = v1 ? null : manifestPath.exec(target);
  if (!v1 && !manifest) return null;
  try {
    // Every key scope may read both; a missing key never reaches here (the header is there).
    await authenticateBearer(req.headers.authorization);
    const body = manifest
      ? await getManifestBody({ name: nameFromSegments(manifest[1].split("/")) })
      : await getOpenAiListingBody();
    return answer(req, body);
  } catch (error) {
    // A bad key, an unknown model, a database that does not answer: the route handler's
    // answer, in its shape, without trying again through Next (a second wait for a
    // database that is down would double the client's).
    return responseAnswer(toErrorResponse(error, { openai: v1 }));
  }
}

const syncPath = /^\/api\/nodes\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/sync$/i;

/**
 * A heartbeat with a body of declared size up to 64 KB (every heartbeat but full states of
 * hundreds of models): read here, then the route's own function (lib/nodes/sync-http.ts).
 * Decided before the body is touched: when this returns null, Next reads it.
 */
async function answerHeartbeat(req: FastRequest): Promise<FastAnswer | null> {
  const match = syncPath.exec(req.url);
  const length = req.headers["content-length"];
  if (!match || !req.body || !length || !/^\d+$/.test(length) || Number(length) > maxBodyBytes) return null;
  // Node's HTTP parser delivers exactly the declared Content-Length.
  const chunks: Uint8Array[] = [];
  for await (const chunk of req.body) chunks.push(chunk);
  const headers: Record<string, string> = { authorization: req.headers.authorization ?? "", "content-length": length };
  if (req.headers["content-type"]) headers["content-type"] = req.headers["content-type"];
  const request = new Request(`http://localhost${req.url}`, { method: "PUT", headers, body: Buffer.concat(chunks) });
  return responseAnswer(await putNodeSync(request, { id: match[1] }));
}

async function responseAnswer(res: Response): Promise<FastAnswer> {
  const body = Buffer.from(await res.arrayBuffer());
  const headers: Record<string, string> = Object.fromEntries(res.headers);
  headers["content-length"] = String(body.length);
  return { status: res.status, headers, body };
}

function answer(req: FastRequest, body: CachedBody): FastAnswer {
  const headers: Record<string, string> = {};
  if (body.tag !== null) {
    const etag = `"${body.tag}"`;
    headers.etag = etag;
    if (matchesEtag(req.headers["if-none-match"] ?? null, etag)) return { status: 304, headers, body: null };
  }
  headers["content-type"] = "application/json; charset=utf-8";
  let bytes = body.bytes;
  if (bytes.length >= compressFrom) {
    headers.vary = "Accept-Encoding";
    if (acceptsGzip(req.headers["accept-encoding"])) {
      headers["content-encoding"] = "gzip";
      bytes = gzipped(body);
    }
  }
  headers["content-length"] = String(bytes.length);
  return { status: 200, headers, body: bytes };
}

/** Whether `Accept-Encoding` allows gzip: named (or `*`) without `q=0`. */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let gzip: boolean | null = null;
  let star = false;
  for (const part of header.toLowerCase().split(",")) {
    const [coding, ...params] = part.trim().split(";");
    const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)).find(Boolean);
    const allowed = !q || Number(q[1]) > 0;
    if (coding.trim() === "gzip") gzip = allowed;
    else if (coding.trim() === "*") star = allowed;
  }
  return gzip ?? star;
}

// One gzip per cached body: a body is replaced, never changed, when its content moves.
const gzipOf = new WeakMap<CachedBody, Buffer>();

function gzipped(body: CachedBody): Buffer {
  let zipped = gzipOf.get(body);
  if (!zipped) {
    zipped = gzipSync(body.bytes, { level: 6 });
    gzipOf.set(body, zipped);
  }
  return zipped;
}
