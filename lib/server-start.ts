import "server-only";
import { installFastPath } from "@/lib/api/fast-path";
import { createApiKey } from "@/lib/auth/api-keys";
import { closeDbIfOpen, getDb } from "@/lib/db/client";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { countApiKeys } from "@/lib/db/queries/api-keys";
import { getHfEndpointForDisplay } from "@/lib/hf/config";
import { logger } from "@/lib/log/logger";
import { describeError } from "@/lib/log/serialize-error";
import { rollbackGraceMs } from "@/lib/registry/rollout";
import { startUpstreamChecks } from "@/lib/registry/upstream-scheduler";
import { installShutdown } from "@/lib/server-shutdown";
import { ensureAuthSecret } from "@/lib/settings/auth-secret";
import { ensureFirstAdmin } from "@/lib/users/first-admin";
import { prepareCredentialCheck } from "@/lib/users/verify-credentials";

/**
 * Start-up as instrumentation's register() runs it. When register() throws, Next logs
 * it and keeps listening, answering 500 to every request (the sign-in page included)
 * for as long as the process lives, so a failure never leaves here: a database that
 * cannot be reached yet (still starting, a container coming up) is retried, with the
 * first requests held until it answers; anything else, or a database still
 * unreachable after LLMLB_START_TIMEOUT_S (default 60), ends the process with one
 * clear message and exit code 1, for the operator or a supervisor to act on.
 */
export async function startServerOrExit(): Promise<void> {
  const timeoutS = Number(process.env.LLMLB_START_TIMEOUT_S) || 60;
  const deadline = Date.now() + timeoutS * 1000;
  for (let attempt = 0; ; attempt++) {
    try {
      await startServer();
      return;
    } catch (error) {
      const retryable = isDatabaseUnavailable(error);
      if (!retryable || Date.now() >= deadline) {
        const reason = retryable
          ? `the database could not be reached for ${timeoutS} s (${describeError(error)})`
          : describeError(error);
        return exitAfterFailedStart(error, reason);
      }
      const delayMs = Math.min(5_000, 500 * 2 ** attempt, deadline - Date.now());
      logger.warn(
        { event: "server.start_retry", err: error, retry_in_ms: delayMs },
        `the database cannot be reached yet; retrying in ${(delayMs / 1000).toFixed(1)} s`,
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

async function exitAfterFailedStart(error: unknown, reason: string): Promise<never> {
  logger.fatal({ event: "server.start_failed", err: error }, `cannot start: ${reason}`);
  process.stderr.write(`\n  llmlb: cannot start: ${reason}\n\n`);
  // PGlite flushes its files on close; a database that never opened has nothing to close.
  const closing = closeDbIfOpen().catch(() => {});
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 2_000))]);
  process.exit(1);
}

export async function startServer(): Promise<void> {
  installShutdown();
  const database = await getDb();
  logger.info(
    {
      event: "server.start",
      database: database.kind,
      hf_endpoint: getHfEndpointForDisplay(),
      hf_token: Boolean(process.env.HF_TOKEN),
      admin_key: Boolean(process.env.LLMLB_ADMIN_KEY),
    },
    `database ready (${database.kind}); migrations applied`,
  );
  await ensureAuthSecret();
  await ensureFirstAdminKey();
  await ensureFirstAdmin();
  await prepareCredentialCheck();
  rollbackGraceMs(); // a bad LLMLB_ROLLBACK_GRACE stops the start, not the first promotion
  startUpstreamChecks();
  installFastPath();
}

/**
 * A fresh install with no LLMLB_ADMIN_KEY would otherwise have no way in: create one
 * admin key and print it once (only its hash is stored, so it cannot be shown again).
 */
async function ensureFirstAdminKey(): Promise<void> {
  if (process.env.LLMLB_ADMIN_KEY || (await countApiKeys()) > 0) return;
  const created = await createApiKey({
    name: "first admin key (generated at first start)",
    scope: "admin",
    actor: "server start",
  });
  // Printed outside the structured log on purpose: this is the one time the secret is shown.
  process.stdout.write(
    `\n  llmlb: no API keys yet, so an admin key was created. It is shown only now:\n\n    ${created.key}\n\n` +
      "  Use it as 'Authorization: Bearer <key>' (or set LLMLB_ADMIN_KEY to your own secret instead).\n\n",
  );
}
