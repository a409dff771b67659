// ETags compared by value: servers and proxies may add `W/` or drop the quotes.

/** ETag → bare value: no `W/`, no quotes. */
export function normalizeEtag(value: string | null): string | null {
  const bare = value
    ?.trim()
    .replace(/^W\//, "")
    .replace(/^"(.*)"$/, "$1");
  return bare || null;
}
