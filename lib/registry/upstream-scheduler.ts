import "server-only";
import { ApiError } from "@/lib/api/errors";
import { claimDueChecks, deferChecks } from "@/lib/db/queries/upstream";
import { parseDurationMs } from "@/lib/format/duration";
import { logger } from "@/lib/log/logger";
import { promoteDueRollouts } from "./rollout";
import { checkUpstream } from "./upstream-check";

// The periodic check of every followed model (docs/upstream.md): each instance looks for
// due models a few times per interval and claims them in the database (SKIP LOCKED), so a
// cluster checks each model once per interval however many instances it runs. Checks go
// one at a time; a rate limit from the Hub pauses this instance until Retry-After and puts
// the models it had claimed back for then.

const defaultIntervalMs = 3_600_000;
/** Models claimed per pass: plenty for 1,000 models an hour, little to hand back on a rate limit. */
const claimPerPass = 50;

export function upstreamCheckIntervalMs(): number | null {
  const raw = process.env.LLMLB_UPSTREAM_CHECK_INTERVAL?.trim();
  if (!raw) return defaultIntervalMs;
  if (raw.toLowerCase() === "off") return null;
  const ms = parseDurationMs(raw, 30 * 24 * 3_600_000);
  if (ms === null || ms < 1_000) {
    throw new Error(
      `LLMLB_UPSTREAM_CHECK_INTERVAL must be a duration from 1s to 30 days, like 30m or 1h, or "off": ${raw}`,
    );
  }
  return ms;
}

const globalForChecks = globalThis as unknown as { __llmlbUpstreamTimer?: NodeJS.Timeout };

/** Starts the periodic checks in this process (once); LLMLB_UPSTREAM_CHECK_INTERVAL=off starts none. */
export function startUpstreamChecks(): void {
  const intervalMs = upstreamCheckIntervalMs();
  if (intervalMs === null || globalForChecks.__llmlbUpstreamTimer) return;
  const passMs = Math.min(30_000, Math.max(200, intervalMs / 20));
  let running = false;
  let pausedUntil = 0;
  const pass = async () => {
    if (running || Date.now() < pausedUntil) return;
    running = true;
    try {
      // `auto` rollouts held back by a node that has gone offline since.
      await promoteDueRollouts();
      const due = await claimDueChecks({ intervalS: intervalMs / 1000, limit: claimPerPass });
      for (const [i, model] of due.entries()) {
        try {
          await checkUpstream({ model, actor: "upstream-check" });
        } catch (error) {
          if (error instanceof ApiError && error.code === "hf_rate_limited") {
            const waitS = Number(error.details?.retry_after) || 60;
            pausedUntil = Date.now() + waitS * 1000;
            await deferChecks({ ids: due.slice(i).map((m) => m.id), seconds: waitS });
            logger.warn({ event: "upstream.paused", seconds: waitS }, "Hugging Face is rate-limiting: checks paused");
            return;
          }
          // Stored on the model already (a Hub outage); the next interval tries again.
        }
      }
    } catch (error) {
      logger.warn({ event: "upstream.pass_failed", err: error }, "periodic upstream check pass failed");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void pass(), passMs);
  timer.unref();
  globalForChecks.__llmlbUpstreamTimer = timer;
}
