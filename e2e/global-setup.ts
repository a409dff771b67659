import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startFakeHub } from "../tests/fake-hub";
import { startNextServer } from "../tests/helpers/server";
import { admin, adminApiKey } from "./support/accounts";

/** The fake hub and `next start` on a fresh PGlite folder; their URLs reach the tests through the environment. */
export default async function globalSetup() {
  const hub = await startFakeHub();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "llmlb-e2e-"));
  const server = await startNextServer(
    {
      NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-e2e",
      PGLITE_DIR: dataDir,
      DATABASE_URL: undefined,
      AUTH_SECRET: undefined,
      HF_ENDPOINT: hub.url,
      HF_TOKEN: undefined,
      LLMLB_ADMIN_KEY: adminApiKey,
      LLMLB_ADMIN_EMAIL: admin.email,
      LLMLB_ADMIN_PASSWORD: admin.password,
    },
    // E2E_PORT pins the server's port (suites run side by side each take their own);
    // without it, any free port.
    { port: process.env.E2E_PORT ? Number(process.env.E2E_PORT) : undefined },
  ).catch(async (error) => {
    await hub.close();
    throw error;
  });
  process.env.E2E_BASE_URL = server.url;
  process.env.E2E_HUB_URL = hub.url;
  return async () => {
    await server.stop();
    await hub.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
