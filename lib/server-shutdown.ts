import "server-only";
import { getDb } from "@/lib/db/client";
import { logger } from "@/lib/log/logger";
import { flushLiveness } from "@/lib/nodes/liveness";

const graceMs = 3_000;

/**
 * Next closes its listener on SIGINT/SIGTERM but then waits for every open
 * connection, and node agents keep theirs alive with heartbeats and long-polls, so
 * the server would never exit. Give in-flight requests a short grace, write the
 * heartbeats noted in memory (lib/nodes/liveness.ts), close the database (PGlite
 * flushes its files), and exit.
 */
export function installShutdown(): void {
  const g = globalThis as unknown as { __llmlbShutdown?: boolean };
  if (g.__llmlbShutdown) return;
  g.__llmlbShutdown = true;
  const stop = (signal: string) => {
    logger.info({ event: "server.stopping", signal }, "stopping");
    setTimeout(async () => {
      const closing = flushLiveness()
        .catch(() => {})
        .then(() => getDb())
        .then((db) => db.close())
        .catch(() => {});
      await Promise.race([closing, new Promise((r) => setTimeout(r, 2_000))]);
      process.exit(0);
    }, graceMs).unref();
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}
