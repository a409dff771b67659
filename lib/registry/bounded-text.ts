// Text the server derives from a Hub answer (variant names, messages) stays short however
// long the names and lists the Hub sends: nodes echo it, people read it.

/** "a, b, c", or "a, b, c and 7 more" when there are more than `max` (or `total` counts more than were given). */
export function listSome(items: string[], opts: { max: number; total?: number }): string {
  const shown = items.slice(0, opts.max);
  const more = (opts.total ?? items.length) - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/**
 * `text` when it fits in `max` characters; else its head, "…" and eight hex digits of a
 * hash of the whole text, so distinct long texts stay distinct and the result is the same
 * on every call (a re-registration names its variants the same).
 */
export function shortenStably(text: string, max: number): string {
  if (text.length <= max) return text;
  const tag = hashText(text);
  let head = text.slice(0, max - 1 - tag.length);
  // Never keep half of a surrogate pair: PostgreSQL refuses to store it.
  if (/[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1);
  return `${head}…${tag}`;
}

/** 32-bit FNV-1a over UTF-16 code units: deterministic everywhere, no crypto needed for a name tag. */
function hashText(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
