// The heartbeat loop: every interval, what changed in the state of the models this node
// knows since the server last acknowledged it (a full state on first contact or when the
// server asks; every time to a server that predates deltas). It announces again when the
// server forgot the node, and wakes the registry poll when the server names a newer
// registry ETag than the last listing's. docs/sync-protocol.md.

import { normalizeEtag } from "../../../lib/format/etag";
import { ApiClientError } from "../../lib/api-client";
import { Backoff } from "../download/retry";
import { announce, clampInterval, freeDisk } from "./announce";
import type { AgentContext } from "./context";
import type { OutageLog } from "./outage-log";
import { SyncDeltas } from "./sync-deltas";
import { createRefusalLog, fitHeartbeat, toSyncEntry } from "./sync-report";

export async function runHeartbeats(
  ctx: AgentContext,
  outage: OutageLog,
  firstListing: Promise<void>,
  etag: () => string | null,
) {
  await firstListing; // an empty snapshot before the first listing would un-ready every model
  const backoff = new Backoff();
  const logRefusals = createRefusalLog(ctx.reporter);
  const deltas = new SyncDeltas();
  let saidTrimmed = false;
  while (!ctx.signal.aborted) {
    let wait = ctx.heartbeatMs;
    try {
      deltas.observe([...ctx.models.values()].map(toSyncEntry));
      const payload = deltas.next(etag());
      const { models, trimmed } = fitHeartbeat(payload.models);
      if (trimmed && !saidTrimmed) {
        saidTrimmed = true;
        ctx.reporter.event(
          "warn",
          "sync.trimmed",
          `the state of ${models.length} models is larger than a heartbeat may be: heartbeats leave error messages out`,
          { models: models.length },
        );
      }
      const res = await ctx.api.sync(
        ctx.nodeId,
        { ...payload, free_disk_bytes: await freeDisk(ctx), models },
        ctx.signal,
      );
      outage.up();
      logRefusals(res.refused);
      backoff.reset();
      deltas.answered(res, payload);
      ctx.heartbeatMs = clampInterval(res.heartbeat_interval_s);
      wait = ctx.heartbeatMs;
      if (normalizeEtag(res.registry_etag) !== normalizeEtag(etag())) ctx.poll.wake();
      // The server asked for the whole state (it did not know this session): send it now
      // rather than an interval later, so the changes of this heartbeat are not held back.
      if (deltas.wantsFull && !payload.full) wait = 0;
    } catch (err) {
      if (ctx.signal.aborted) return;
      if (err instanceof ApiClientError && err.status === 404 && err.code === "node_not_found") {
        ctx.reporter.event("warn", "node.forgotten", "the server forgot this node; announcing again", {});
        await announce(ctx, outage, false);
        deltas.restart();
        continue;
      }
      if (err instanceof ApiClientError && err.status === 403) {
        // Another key announced this node name: announcing again says so (409) in the log.
        ctx.reporter.event("error", "node.taken_over", `heartbeat refused: ${err.message}`, {});
        await announce(ctx, outage, false);
        deltas.restart();
        continue;
      }
      wait = Math.min(backoff.next(), ctx.heartbeatMs);
      outage.down(err, wait);
    }
    await ctx.heartbeat.wait(wait, ctx.signal);
  }
}
