// What one heartbeat says about each model, held within the bounds the server checks
// (a name the Hub chose or a long reason must never cost the node its heartbeat), and the
// server's word on entries it refused anyway, logged once each.
import {
  MAX_SYNC_BODY_BYTES,
  type RefusedSyncEntry,
  SYNC_ENTRY_LIMITS,
  type SyncModel,
} from "../../../lib/api/node-schemas";
import type { Reporter } from "../output/progress";
import type { ModelRecord } from "./context";

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The record's state as the heartbeat reports it: with its commit (a node reports a model
 * once per commit it holds), every text within bounds.
 */
export function toSyncEntry(rec: ModelRecord): SyncModel {
  const { variant, error, ...rest } = rec.status;
  return {
    ...rest,
    ...(variant != null ? { variant: clip(variant, SYNC_ENTRY_LIMITS.variant) } : {}),
    ...(error
      ? {
          error: {
            code: clip(error.code, SYNC_ENTRY_LIMITS.code),
            message: clip(error.message, SYNC_ENTRY_LIMITS.message),
          },
        }
      : {}),
    // The model's name (a record of a commit beside the current one is keyed name@commit).
    name: rec.listing.name,
    commit: rec.listing.commit,
  };
}

/** Logs each refusal the first time the server gives it, not on every heartbeat. */
export function createRefusalLog(reporter: Reporter) {
  const logged = new Set<string>();
  return (refused: RefusedSyncEntry[]) => {
    for (const entry of refused) {
      const key = `${entry.name ?? entry.index}\u0000${entry.reason}`;
      if (logged.has(key)) continue;
      if (logged.size >= 10_000) logged.clear();
      logged.add(key);
      const what = entry.name ?? (entry.index === null ? "heartbeat" : `entry ${entry.index}`);
      reporter.event("warn", "sync.refused", `the server refused what this node reported on ${what}: ${entry.reason}`, {
        model: entry.name,
        index: entry.index,
        reason: entry.reason,
      });
    }
  };
}

/**
 * The entries of one heartbeat, within the server's body limit when they can be: past it,
 * error messages go first (the states and codes stay). A registry too large even then
 * still gets its heartbeat sent: the server counts it for liveness and says why it took no
 * state. `trimmed` tells the caller to say so once.
 */
export function fitHeartbeat(models: SyncModel[]): { models: SyncModel[]; trimmed: boolean } {
  const size = (list: SyncModel[]) => Buffer.byteLength(JSON.stringify({ free_disk_bytes: 0, models: list }));
  // A rough first test: most registries are far below the limit.
  if (models.length * 2 * SYNC_ENTRY_LIMITS.name < MAX_SYNC_BODY_BYTES || size(models) <= MAX_SYNC_BODY_BYTES) {
    return { models, trimmed: false };
  }
  return {
    models: models.map((m) => (m.error ? { ...m, error: { code: m.error.code, message: "" } } : m)),
    trimmed: true,
  };
}
