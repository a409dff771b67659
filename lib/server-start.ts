import "server-only";
import { createApiKey } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db/client";
import { countApiKeys } from "@/lib/db/queries/api-keys";
import { getHfEndpoint } from "@/lib/hf/config";
import { logger } from "@/lib/log/logger";
import { installShutdown } from "@/lib/server-shutdown";
import { ensureAuthSecret } from "@/lib/settings/auth-secret";
import { ensureFirstAdmin } from "@/lib/users/first-admin";
import { prepareCredentialCheck } from "@/lib/users/verify-credentials";

export async function startServer(): Promise<void> {
  installShutdown();
  const database = await getDb();
  logger.info(
    {
      event: "server.start",
      database: database.kind,
      hf_endpoint: getHfEndpoint(),
      hf_token: Boolean(process.env.HF_TOKEN),
      admin_key: Boolean(process.env.LLMLB_ADMIN_KEY),
    },
    `database ready (${database.kind}); migrations applied`,
  );
  await ensureAuthSecret();
  await ensureFirstAdminKey();
  await ensureFirstAdmin();
  await prepareCredentialCheck();
}

/**
 * A fresh install with no LLMLB_ADMIN_KEY would otherwise have no way in: create one
 * admin key and print it once (only its hash is stored, so it cannot be shown again).
 */
async function ensureFirstAdminKey(): Promise<void> {
  if (process.env.LLMLB_ADMIN_KEY || (await countApiKeys()) > 0) return;
  const created = await createApiKey({ name: "first admin key (generated at first start)", scope: "admin" });
  // Printed outside the structured log on purpose: this is the one time the secret is shown.
  process.stdout.write(
    `\n  llmlb: no API keys yet, so an admin key was created. It is shown only now:\n\n    ${created.key}\n\n` +
      "  Use it as 'Authorization: Bearer <key>' (or set LLMLB_ADMIN_KEY to your own secret instead).\n\n",
  );
}
