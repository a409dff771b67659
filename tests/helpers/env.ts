import { afterAll, beforeAll } from "vitest";
import { clearModelInfoCache } from "@/lib/hf/metadata-cache";
import { type FakeHub, startFakeHub } from "../fake-hub";

export const adminKey = "test-bootstrap-admin-key";

/**
 * Start the fake hub for this test file and point the server code at it, with the
 * bootstrap admin key set. Returns a getter because the hub starts in beforeAll.
 */
export function startHubForFile(opts: { token?: boolean; slowDelayMs?: number } = {}): () => FakeHub {
  let hub: FakeHub | undefined;
  beforeAll(async () => {
    hub = await startFakeHub({ slowDelayMs: opts.slowDelayMs ?? 4_000 });
    process.env.HF_ENDPOINT = hub.url;
    process.env.LLMLB_ADMIN_KEY = adminKey;
    process.env.HF_TIMEOUT_MS = "2500";
    if (opts.token) process.env.HF_TOKEN = hub.token;
    else delete process.env.HF_TOKEN;
    clearModelInfoCache();
  });
  afterAll(async () => {
    await hub?.close();
  });
  return () => {
    if (!hub) throw new Error("fake hub not started");
    return hub;
  };
}
