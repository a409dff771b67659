import "server-only";
import { getDb } from "@/lib/db/client";
import { getHfEndpoint } from "@/lib/hf/config";
import { logger } from "@/lib/log/logger";

export async function startServer(): Promise<void> {
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
  if (!process.env.LLMLB_ADMIN_KEY) {
    logger.info(
      { event: "server.hint" },
      "LLMLB_ADMIN_KEY is not set: set it to any secret to use the API as an admin (see README)",
    );
  }
}
