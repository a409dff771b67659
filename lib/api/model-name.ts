import { hasControlCharacters } from "./control-chars";
import { ApiError } from "./errors";

/**
 * Model names contain slashes; routes accept them as path segments
 * (`/v1/models/hf/acme/x`) or `%2F`-encoded (`/v1/models/hf%2Facme%2Fx`).
 */
export function nameFromSegments(segments: string[] | undefined): string {
  // Next has decoded each segment once (a `%2F` inside one gives a slash); decoding again
  // would read a file's own `%41` as `A`, and name another model.
  const parts = (segments ?? []).flatMap((segment) => segment.split("/"));
  const name = parts.filter(Boolean).join("/");
  if (!name) throw new ApiError("invalid_input", "The URL names no model.");
  if (name.length > 1200) throw new ApiError("invalid_input", "The model name is too long.");
  // No model name holds one, and PostgreSQL refuses NUL in a query outright.
  if (hasControlCharacters(name)) {
    throw new ApiError("invalid_input", "The model name in the URL contains a control character; names never do.");
  }
  return name;
}

/** True when a path segment's %-escapes do not decode to UTF-8 (`%E0%A4%A`, `%FF`, `%2`). */
export function hasMalformedEncoding(pathname: string): boolean {
  return pathname.split("/").some((segment) => {
    if (!segment.includes("%")) return false;
    try {
      decodeURIComponent(segment);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * `/api/models/{name}/{action}`: the name and the action when the last segment is one of
 * `actions` and what is before it names a model (`hf/owner/repo` at least). A model's own
 * name never ends so: a file registration's name ends in a weights file's name.
 */
export function splitModelAction<A extends string>(
  segments: string[] | undefined,
  actions: readonly A[],
): { name: string; action: A | null } {
  const name = nameFromSegments(segments);
  const parts = name.split("/");
  const last = parts.at(-1) as A;
  if (parts.length >= 4 && actions.includes(last)) return { name: parts.slice(0, -1).join("/"), action: last };
  return { name, action: null };
}
