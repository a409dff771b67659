import "server-only";
import { getDb } from "@/lib/db/client";
import { logger } from "@/lib/log/logger";

export const registryChannel = "llmlb_registry";

/**
 * Tell every server instance that the registry moved (PostgreSQL NOTIFY; PGlite
 * delivers it in-process). Waiting listings wake up on it; a lost notification only
 * delays them until their timeout, so failures are logged, not thrown.
 */
export async function publishRegistryChange(version: number): Promise<void> {
  try {
    const database = await getDb();
    await database.notify(registryChannel, String(version));
  } catch (err) {
    logger.warn({ err, event: "registry.notify_failed" }, "could not publish registry change");
  }
}
