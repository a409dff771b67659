import { matchesEtag } from "@/lib/format/etag";

// A JSON body serialized once and kept, with its ETag, so a cached listing or manifest
// costs a lookup per request, not a serialization. Not compressed: Next.js 16 drops a
// route handler's Content-Encoding header (next/dist/server/send-response.js) and would
// send compressed bytes as if they were plain. docs/caching.md.

export interface CachedBody {
  readonly bytes: Buffer;
  /** The strong ETag's value, without quotes; null when the body has no ETag. */
  readonly tag: string | null;
}

export function createCachedBody(json: string, opts: { tag?: string | null } = {}): CachedBody {
  return { bytes: ownBuffer(Buffer.from(json)), tag: opts.tag ?? null };
}

/**
 * The bytes in an ArrayBuffer of their own. Small Buffers are slices of a shared 8 KB
 * pool; a body kept for many responses must not share its memory with anything else.
 */
function ownBuffer(bytes: Buffer): Buffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length) return bytes;
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return Buffer.from(copy.buffer);
}

/** Bytes held (for caches bounded by memory). */
export function cachedBodyBytes(body: CachedBody): number {
  return body.bytes.length;
}

/** The response for a cached JSON body: its ETag, and a 304 when `If-None-Match` names it. */
export function cachedJsonResponse(req: Request, body: CachedBody, init: { headers?: HeadersInit } = {}): Response {
  const headers = new Headers(init.headers);
  if (body.tag !== null) {
    const etag = `"${body.tag}"`;
    headers.set("etag", etag);
    if (matchesEtag(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  }
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(body.bytes as BodyInit, { status: 200, headers });
}
