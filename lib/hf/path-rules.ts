// One rule for every path inside a repository, whether a person typed it or the Hub
// listed it: it becomes part of a model name, a manifest entry, a download URL and a file
// a node writes under its cache, so nothing in it may climb out of the repository, and
// nothing in it may be text PostgreSQL refuses to store (NUL, lone surrogates).

import { hasControlCharacters } from "@/lib/api/control-chars";

/** Keeps echoed text short and makes invisible characters visible in messages. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 117)}...` : text);
}

export function tryDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Why `path` cannot be a file path inside a repository (a message for a person), or null when it can. */
export function describePathProblem(path: string, maxLength: number): string | null {
  if (path === "") return 'The file path is empty: give the path inside the repository, e.g. "model-Q4_K_M.gguf"';
  if (path.length > maxLength) return `The file path is longer than ${maxLength} characters`;
  const shown = quote(path);
  if (hasControlCharacters(path)) return `The file path ${shown} contains control characters`;
  if (!path.isWellFormed()) return `The file path ${shown} is not valid Unicode (it has a lone surrogate)`;
  if (path.includes("\\")) return `The file path ${shown} contains a backslash: use '/' between folders`;
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) {
    return `The file path ${shown} is absolute: give the path inside the repository, without a leading '/'`;
  }
  for (const segment of path.split("/")) {
    if (segment === "") return `The file path ${shown} has an empty folder name ('//' or a trailing '/')`;
    // A second decoding pass must not be able to turn a segment into traversal either.
    const decoded = tryDecode(segment) ?? segment;
    if (decoded === "." || decoded === "..") return `The file path ${shown} has a '.' or '..' part (path traversal)`;
    if (decoded !== segment && (/[/\\]/.test(decoded) || hasControlCharacters(decoded))) {
      return `The file path ${shown} hides '/', '\\' or control characters in percent-encoding`;
    }
  }
  return null;
}
