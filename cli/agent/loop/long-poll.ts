// The registry loop: long-polls GET /api/models with the last ETag and applies each new
// listing (reconcile.ts); beside it the planner fetches the manifests of what is pending.
// Server outages are logged and waited out with backoff.
import type { ApiClient, RegistryModel } from "../../lib/api-client";
import { Backoff, sleep } from "../download/retry";
import type { AgentContext } from "./context";
import type { OutageLog } from "./outage-log";
import { applyListing, planPending } from "./reconcile";

/** Plans what is pending whenever a listing came, and every second for retries that fell due. */
export async function runPlanner(ctx: AgentContext): Promise<void> {
  while (!ctx.signal.aborted) {
    try {
      await planPending(ctx);
    } catch (err) {
      ctx.reporter.event("error", "agent.error", `planning failed: ${(err as Error).message}`, {});
    }
    await ctx.planner.wait(1000, ctx.signal);
  }
}

export async function pollRegistry(
  ctx: AgentContext,
  outage: OutageLog,
  onFirstListing: () => void,
  state: { etag: string | null },
) {
  const backoff = new Backoff();
  let models: RegistryModel[] | null = null;
  while (!ctx.signal.aborted) {
    const started = Date.now();
    const waitS = state.etag && models ? ctx.config.pollWaitS : 0;
    let listing: Awaited<ReturnType<ApiClient["listModels"]>>;
    try {
      listing = await ctx.api.listModels({ etag: models ? state.etag : null, waitS, signal: ctx.signal });
      outage.up();
      backoff.reset();
    } catch (err) {
      if (ctx.signal.aborted) return;
      const delay = backoff.next();
      outage.down(err, delay);
      await sleep(delay, ctx.signal);
      continue;
    }
    try {
      if (listing.status === 200) {
        state.etag = listing.etag;
        models = listing.listing.models;
        await applyListing(ctx, models);
        ctx.heartbeat.wake();
      }
      onFirstListing();
      // Manifests are fetched by the planner, so the next poll follows at once: thousands of
      // new models to plan never delay seeing the next registration or deletion.
      ctx.planner.wake();
    } catch (err) {
      // A cache problem (permissions, a full disk) must not stop the loop that reports it.
      ctx.reporter.event("error", "agent.error", `reconcile failed: ${(err as Error).message}`, {});
      onFirstListing();
    }
    // Pace the loop when the server answers at once (no long-poll support, no ETag):
    // one poll per heartbeat interval is what the contract asks of a node anyway.
    const elapsed = Date.now() - started;
    const longPolled = listing.status === 304 && elapsed >= waitS * 500;
    const gap = longPolled ? 0 : listing.status === 200 && state.etag ? 250 : ctx.heartbeatMs;
    await ctx.poll.wait(gap - elapsed, ctx.signal);
  }
}
