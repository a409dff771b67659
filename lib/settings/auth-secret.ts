import "server-only";
import { randomBytes } from "node:crypto";
import { putSettingIfAbsent } from "@/lib/db/queries/settings";
import { logger } from "@/lib/log/logger";

const settingKey = "auth_secret";

/**
 * The secret that signs console sessions. AUTH_SECRET wins when set; otherwise the
 * first start generates one and keeps it in the database (inside the embedded
 * database's folder on PGlite, shared by every instance on PostgreSQL), so sessions
 * survive restarts with no configuration. next-auth reads it from process.env.
 */
export async function ensureAuthSecret(): Promise<"env" | "database"> {
  if (process.env.AUTH_SECRET) return "env";
  const secret = await putSettingIfAbsent({ key: settingKey, value: randomBytes(32).toString("base64url") });
  process.env.AUTH_SECRET = secret;
  logger.info({ event: "auth.secret", source: "database" }, "session secret loaded from the database");
  return "database";
}
