import { z } from "zod";
import { hasControlCharacters } from "@/lib/api/control-chars";
import { maxFileBytes, maxRepoPathLength, maxSkippedExamples, maxTagLength, maxTags } from "./hub-limits";
import { describePathProblem } from "./path-rules";

// What the Hub says is checked with the same rules as user input, because it ends up in
// the same places (names, manifests, URLs, the database). Only the fields we use are
// read; a field the Hub omits or garbles gets a safe default, and one bad sibling entry
// is left out rather than failing the whole answer.

const fileBytes = z.number().int().nonnegative().max(maxFileBytes);

const siblingSchema = z
  .object({
    rfilename: z.string().refine((path) => describePathProblem(path, maxRepoPathLength) === null),
    size: fileBytes.optional(),
    lfs: z
      .object({
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/i)
          .transform((sha) => sha.toLowerCase()),
        size: fileBytes,
      })
      .nullish()
      .transform((v) => v ?? undefined),
    // The git blob sha1 (of the bytes, or of the LFS pointer): the one hash the Hub keeps
    // for small files, so nodes can check them. One that is not 40 lowercase hex is none.
    blobId: z
      .unknown()
      .optional()
      .transform((id) => (typeof id === "string" && /^[0-9a-f]{40}$/.test(id) ? id : null)),
  })
  .transform(({ rfilename, size, lfs, blobId }, ctx) => {
    // The `?blobs=true` answer sizes every file. A file without a size is impossible
    // metadata, not an empty file: stored as 0 bytes, every node would fail its download.
    const bytes = lfs?.size ?? size;
    if (bytes === undefined) {
      ctx.addIssue({ code: "custom", message: "no size" });
      return z.NEVER;
    }
    return { rfilename, size: bytes, lfs, blobId };
  });
export type HubSibling = z.infer<typeof siblingSchema>;

/** Sibling entries left out of the answer: how many, and a few of their names as the Hub sent them (unsafe text). */
export interface SkippedSiblings {
  count: number;
  examples: string[];
}

export const hubModelInfoSchema = z
  .object({
    id: z.string().min(1),
    sha: z.string().regex(/^[0-9a-f]{40}$/, "commit sha"),
    private: z.boolean().optional().default(false),
    gated: z.unknown().optional().transform(readGated),
    disabled: z.boolean().optional().default(false),
    tags: z.unknown().optional().transform(readTags),
    lastModified: z.unknown().optional().transform(readDate),
    siblings: z.array(z.unknown()).optional().default([]),
    // The Hub's own reading of the safetensors headers (parameters per dtype), where it made one.
    safetensors: z.unknown().optional().transform(readSafetensorsSummary),
  })
  .transform(({ siblings, ...rest }) => ({ ...rest, ...readSiblings(siblings) }));

export type HubModelInfo = z.infer<typeof hubModelInfoSchema>;

const isStorableText = (text: string) => !hasControlCharacters(text) && text.isWellFormed();

function readSiblings(entries: unknown[]): { siblings: HubSibling[]; skippedSiblings: SkippedSiblings } {
  const siblings: HubSibling[] = [];
  const skipped: SkippedSiblings = { count: 0, examples: [] };
  for (const entry of entries) {
    const parsed = siblingSchema.safeParse(entry);
    if (parsed.success) {
      siblings.push(parsed.data);
      continue;
    }
    skipped.count++;
    const name = (entry as { rfilename?: unknown } | null)?.rfilename;
    if (typeof name === "string" && skipped.examples.length < maxSkippedExamples) skipped.examples.push(name);
  }
  return { siblings, skippedSiblings: skipped };
}

/** `{parameters: {BF16: n, …}, total: n}` → its total and main dtype; anything malformed is none. */
function readSafetensorsSummary(value: unknown): { parameters: number; dtype: string | null } | null {
  if (!value || typeof value !== "object") return null;
  const { parameters, total } = value as { parameters?: unknown; total?: unknown };
  if (typeof total !== "number" || !Number.isSafeInteger(total) || total <= 0) return null;
  let dtype: string | null = null;
  let most = 0;
  if (parameters && typeof parameters === "object") {
    for (const [name, count] of Object.entries(parameters).slice(0, 32)) {
      if (typeof count === "number" && count > most && /^[A-Z0-9_]{1,16}$/.test(name)) {
        dtype = name;
        most = count;
      }
    }
  }
  return { parameters: total, dtype };
}

/** false, "auto", "manual", or another short mode name; a gate we cannot read counts as "auto". */
function readGated(value: unknown): false | string {
  if (value === undefined || value === null || value === false || value === "") return false;
  if (typeof value === "string" && /^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(value)) return value;
  return "auto";
}

function readTags(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const tags: string[] = [];
  for (const tag of value) {
    if (tags.length >= maxTags) break;
    if (typeof tag === "string" && tag.length > 0 && tag.length <= maxTagLength && isStorableText(tag)) tags.push(tag);
  }
  return tags;
}

/** An ISO 8601 date PostgreSQL can store, normalized; anything else is null (not a failed registration). */
function readDate(value: unknown): string | null {
  if (typeof value !== "string" || !/^[12]\d{3}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value))
    return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
