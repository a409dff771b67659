import "server-only";
import { markNodeSeen, markNodesSeen, type NodeSeen } from "@/lib/db/queries/nodes";
import { logger } from "@/lib/log/logger";
import { heartbeatIntervalSeconds } from "./constants";

// Liveness without a write per heartbeat: each server instance notes when it heard from a
// node and writes all of them in one statement every FLUSH_MS. Readers decide online from
// last_seen_at as before, so every instance sees a node the same within FLUSH_MS, far
// inside the offline threshold (three heartbeats). A node whose stored last_seen_at is old
// (its first heartbeat after a restart, one back from offline) is written at once, so it
// counts from that very heartbeat. docs/sync-protocol.md.

const FLUSH_MS = 2_000;
/** Written at once when the stored last_seen_at is older than this. */
const WRITE_THROUGH_AFTER_S = heartbeatIntervalSeconds + (2 * FLUSH_MS) / 1000;

type Pending = { at: number; freeDiskBytes: number | null };
type Liveness = {
  pending: Map<string, Pending>;
  timer: NodeJS.Timeout | null;
  flushing: Promise<void> | null;
};
const globalForLiveness = globalThis as unknown as { __llmlbLiveness?: Liveness };
globalForLiveness.__llmlbLiveness ??= { pending: new Map(), timer: null, flushing: null };
const live = globalForLiveness.__llmlbLiveness;

/**
 * Records a heartbeat of a node whose stored last_seen_at is `seenAgoS` old. Returns false
 * when the node no longer exists (found while writing through); a batched one that finds
 * it gone is simply not written.
 */
export async function recordHeartbeat(
  nodeId: string,
  seenAgoS: number,
  freeDiskBytes: number | null,
): Promise<boolean> {
  if (seenAgoS > WRITE_THROUGH_AFTER_S) {
    live.pending.delete(nodeId);
    return markNodeSeen({ nodeId, freeDiskBytes });
  }
  // A heartbeat without the figure keeps the last one sent.
  const earlier = live.pending.get(nodeId)?.freeDiskBytes ?? null;
  live.pending.set(nodeId, { at: Date.now(), freeDiskBytes: freeDiskBytes ?? earlier });
  live.timer ??= setTimeout(flushSoon, FLUSH_MS);
  live.timer.unref?.();
  return true;
}

/** Forgets a node (forgotten through this instance): nothing more is written for it. */
export function forgetLiveness(nodeId: string): void {
  live.pending.delete(nodeId);
}

function flushSoon(): void {
  live.timer = null;
  void flushLiveness();
}

/** Writes every heartbeat noted since the last flush (also at shutdown). */
export async function flushLiveness(): Promise<void> {
  if (live.flushing) await live.flushing;
  if (!live.pending.size) return;
  const batch = live.pending;
  live.pending = new Map();
  const now = Date.now();
  const seen: NodeSeen[] = [...batch].map(([nodeId, p]) => ({
    nodeId,
    ageMs: now - p.at,
    freeDiskBytes: p.freeDiskBytes,
  }));
  live.flushing = markNodesSeen({ seen })
    .then(() => {})
    .catch((err) => {
      // The next heartbeats note them again; a database outage is logged where it is met.
      for (const [nodeId, p] of batch) if (!live.pending.has(nodeId)) live.pending.set(nodeId, p);
      live.timer ??= setTimeout(flushSoon, FLUSH_MS);
      live.timer.unref?.();
      logger.warn({ event: "node.liveness_flush_failed", err }, "could not record heartbeats; retrying");
    })
    .finally(() => {
      live.flushing = null;
    });
  await live.flushing;
}
