import { ApiError } from "./errors";

/**
 * Model names contain slashes; routes accept them as path segments
 * (`/v1/models/hf/acme/x`) or `%2F`-encoded (`/v1/models/hf%2Facme%2Fx`).
 */
export function nameFromSegments(segments: string[] | undefined): string {
  const parts: string[] = [];
  for (const segment of segments ?? []) {
    let decoded = segment;
    try {
      // Segments may arrive still encoded depending on how the client escaped them.
      if (/%[0-9a-f]{2}/i.test(segment)) decoded = decodeURIComponent(segment);
    } catch {
      throw new ApiError("invalid_input", "The model name in the URL is not validly encoded.");
    }
    parts.push(...decoded.split("/"));
  }
  const name = parts.filter(Boolean).join("/");
  if (!name) throw new ApiError("invalid_input", "The URL names no model.");
  if (name.length > 1200) throw new ApiError("invalid_input", "The model name is too long.");
  return name;
}
