// ETags compared by value: servers and proxies may add `W/` or drop the quotes.

/** ETag → bare value: no `W/`, no quotes. */
export function normalizeEtag(value: string | null): string | null {
  const bare = value
    ?.trim()
    .replace(/^W\//, "")
    .replace(/^"(.*)"$/, "$1");
  return bare || null;
}

/**
 * Whether an `If-None-Match` header names `etag`: `*`, or the same tag compared weakly
 * (`W/"x"` and `"x"` match), as RFC 9110 asks for If-None-Match.
 */
export function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  const wanted = normalizeEtag(etag);
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || (tag.length > 0 && normalizeEtag(tag) === wanted);
  });
}
