import type { z } from "zod";
import { stripControlCharacters } from "@/lib/api/control-chars";
import {
  type RefusedSyncEntry,
  SYNC_ENTRY_LIMITS,
  type SyncEnvelope,
  type SyncModel,
  syncBodySchema,
  syncModelSchema,
} from "@/lib/api/node-schemas";
import { type DigestedEntry, hashEntry } from "@/lib/api/sync-digest";

/** The error code a refused entry is stored under, so the console shows why the node's word was not taken. */
export const invalidReportCode = "invalid_report";

export interface ReadSyncEntries {
  freeDiskBytes: number | null;
  /** Entries that passed, in the order sent, each with the hash of the entry as the node sent it. */
  models: (SyncModel & { reportHash: bigint })[];
  /**
   * Entries that failed but name a model: stored as an error on that model (the node said
   * something about it, just nothing usable), so it is neither dropped as "not reported"
   * nor left showing an older state.
   */
  invalid: { name: string; reason: string }[];
  refused: RefusedSyncEntry[];
}

/**
 * Checks each entry of a heartbeat on its own. A bad entry is refused with its reason and
 * costs nothing else: the node stays online and its other entries are stored. Messages
 * are free text for people, so an over-long one is shortened rather than refused.
 */
export function readSyncEntries(envelope: SyncEnvelope): ReadSyncEntries {
  const result: ReadSyncEntries = { freeDiskBytes: null, models: [], invalid: [], refused: [] };
  const disk = syncBodySchema.shape.free_disk_bytes.safeParse(envelope.free_disk_bytes);
  if (disk.success) result.freeDiskBytes = disk.data ?? null;
  else result.refused.push({ index: null, name: null, reason: `free_disk_bytes: ${describe(disk.error)}; ignored` });

  envelope.models.forEach((raw, index) => {
    const parsed = syncModelSchema.safeParse(tidyMessage(raw));
    if (parsed.success) {
      // Hashed as sent, before any tidying, so it equals the node's own hash of it.
      result.models.push({ ...parsed.data, reportHash: hashEntry(raw as DigestedEntry) });
      return;
    }
    const name = readableName(raw);
    const reason = describe(parsed.error);
    result.refused.push({ index, name, reason });
    if (name) result.invalid.push({ name, reason });
  });
  return result;
}

/**
 * A message is for people: control characters go (PostgreSQL refuses NUL), a lone surrogate
 * becomes U+FFFD (as PostgreSQL would store it, so the next heartbeat compares equal), and
 * a long one is cut.
 */
function tidyMessage(raw: unknown): unknown {
  if (!isRecord(raw) || !isRecord(raw.error) || typeof raw.error.message !== "string") return raw;
  let message = stripControlCharacters(raw.error.message).toWellFormed();
  if (message.length > SYNC_ENTRY_LIMITS.message) message = `${message.slice(0, SYNC_ENTRY_LIMITS.message - 1)}…`;
  return { ...raw, error: { ...raw.error, message } };
}

function readableName(raw: unknown): string | null {
  if (!isRecord(raw)) return null;
  const parsed = syncModelSchema.shape.name.safeParse(raw.name);
  return parsed.success ? parsed.data : null;
}

function describe(error: z.ZodError): string {
  const text = error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
  // Bounded too: the reason goes back to the node and into the console.
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
