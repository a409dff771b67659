import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { matchesEtag } from "@/lib/format/etag";

// A JSON body serialized once and kept, with its compressed forms made at most once each
// (on the first request that accepts them), so a cached listing or manifest costs a
// lookup per request, not a serialization or a compression. docs/caching.md.

export type ContentCoding = "br" | "gzip" | "identity";

/**
 * How the ETag follows the coding. "per-coding": a strong tag per representation (the
 * identity's, or it with `-gzip` / `-br`). "weak-when-compressed": the identity bytes
 * carry the strong tag and compressed ones the same tag as weak, so a client that compares
 * tags by value (an agent comparing a heartbeat's `registry_etag`) sees one version.
 */
export type EtagRule = "per-coding" | "weak-when-compressed";

export interface EncodedBody {
  readonly identity: Buffer;
  /** The tag's value, without quotes; null when the body has no ETag. */
  readonly tag: string | null;
  readonly rule: EtagRule;
  readonly compressed: Partial<Record<"br" | "gzip", Buffer>>;
}

/** Below this a compressed body saves less than its headers cost. */
const minCompressBytes = 1024;

export function createEncodedBody(json: string, opts: { tag?: string | null; rule?: EtagRule } = {}): EncodedBody {
  return { identity: Buffer.from(json), tag: opts.tag ?? null, rule: opts.rule ?? "per-coding", compressed: {} };
}

/** Bytes held, compressed forms included (for caches bounded by memory). */
export function encodedBodyBytes(body: EncodedBody): number {
  return body.identity.length + (body.compressed.gzip?.length ?? 0) + (body.compressed.br?.length ?? 0);
}

/**
 * The coding to send for `Accept-Encoding`: br, then gzip, when accepted with a q above 0;
 * identity otherwise (also when the header is absent, as RFC 9110 allows).
 */
export function negotiateCoding(header: string | null): ContentCoding {
  if (!header) return "identity";
  const q = new Map<string, number>();
  for (const part of header.toLowerCase().split(",")) {
    const [name, ...params] = part.split(";").map((s) => s.trim());
    if (!name) continue;
    const qParam = params.find((p) => p.startsWith("q="));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const accepts = (coding: string) => (q.get(coding) ?? q.get("*") ?? 0) > 0;
  if (accepts("br")) return "br";
  if (accepts("gzip") || (q.get("x-gzip") ?? 0) > 0) return "gzip";
  return "identity";
}

/** The body in `coding`, compressed now if this is the first request that wants it. */
export function bytesFor(body: EncodedBody, coding: ContentCoding): Buffer {
  if (coding === "identity" || body.identity.length < minCompressBytes) return body.identity;
  let bytes = body.compressed[coding];
  if (!bytes) {
    // Brotli at quality 5 compresses a 350 KB listing about as well as gzip -9, in a
    // fraction of quality 11's time; it runs once per cached body.
    bytes =
      coding === "br"
        ? brotliCompressSync(body.identity, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 5,
              [constants.BROTLI_PARAM_SIZE_HINT]: body.identity.length,
            },
          })
        : gzipSync(body.identity, { level: 6 });
    body.compressed[coding] = bytes;
  }
  return bytes;
}

/** The ETag header value of `body` sent in `coding`, or null. */
export function etagFor(body: EncodedBody, coding: ContentCoding): string | null {
  if (body.tag === null) return null;
  const sent = bytesFor(body, coding) === body.identity ? "identity" : coding;
  if (sent === "identity") return `"${body.tag}"`;
  return body.rule === "per-coding" ? `"${body.tag}-${sent}"` : `W/"${body.tag}"`;
}

/** Every tag a client may hold for this body, whichever coding it was sent in. */
function knownTags(body: EncodedBody): string[] {
  if (body.tag === null) return [];
  return [`"${body.tag}"`, `"${body.tag}-gzip"`, `"${body.tag}-br"`];
}

/**
 * The response for a cached JSON body: the coding the client accepts, `Vary:
 * Accept-Encoding`, the ETag of what is sent, and a 304 when `If-None-Match` names any
 * representation of this body (they all hold the same JSON).
 */
export function encodedJsonResponse(req: Request, body: EncodedBody, init: { headers?: HeadersInit } = {}): Response {
  const coding = negotiateCoding(req.headers.get("accept-encoding"));
  const bytes = bytesFor(body, coding);
  const headers = new Headers(init.headers);
  headers.set("vary", "Accept-Encoding");
  const etag = etagFor(body, coding);
  if (etag) headers.set("etag", etag);
  if (body.tag !== null && knownTags(body).some((t) => matchesEtag(req.headers.get("if-none-match"), t))) {
    return new Response(null, { status: 304, headers });
  }
  headers.set("content-type", "application/json; charset=utf-8");
  if (bytes !== body.identity) headers.set("content-encoding", coding);
  return new Response(bytes as BodyInit, { status: 200, headers });
}
