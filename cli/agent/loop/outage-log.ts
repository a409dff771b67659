// The one place that logs server outages for every loop: once when one starts (then
// every 30 s), and when it ends.
import { ApiClientError } from "../../lib/api-client";
import type { Reporter } from "../output/progress";

/** Logs an outage once (then every 30 s), and its end. Shared by both server loops. */
export function createOutageLog(reporter: Reporter) {
  let downSince: number | null = null;
  let lastLog = 0;
  return {
    down(err: unknown, retryInMs: number) {
      const now = Date.now();
      downSince ??= now;
      if (now - lastLog < 30_000 && lastLog >= downSince) return;
      lastLog = now;
      const status = err instanceof ApiClientError ? err.status : 0;
      const fields = { status, code: err instanceof ApiClientError ? err.code : null, retry_in_ms: retryInMs };
      // A 4xx is not an outage: the server answers but refuses (revoked key, body too large).
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        reporter.event("error", "server.rejected", `llmlb server refused: ${(err as Error).message}; retrying`, fields);
      } else {
        reporter.event("warn", "server.unreachable", `llmlb server: ${(err as Error).message}; retrying`, fields);
      }
    },
    up() {
      if (downSince === null) return;
      reporter.event("info", "server.reachable", "llmlb server reachable again", { down_ms: Date.now() - downSince });
      downSince = null;
    },
  };
}
export type OutageLog = ReturnType<typeof createOutageLog>;
