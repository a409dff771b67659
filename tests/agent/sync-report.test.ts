// What a heartbeat carries: entries clipped to the server's bounds, and a state too large
// for one heartbeat sent without its messages rather than refused.
import { describe, expect, it } from "vitest";
import { fitHeartbeat } from "../../cli/agent/loop/sync-report";
import type { SyncModel } from "../../lib/api/node-schemas";
import { MAX_SYNC_BODY_BYTES } from "../../lib/api/node-schemas";

const failing = (i: number, message: string): SyncModel => ({
  name: `hf/acme/model-${i}`,
  state: "error",
  error: { code: "download_failed", message },
});

describe("fitHeartbeat", () => {
  it("leaves a heartbeat within the limit as it is", () => {
    const models = Array.from({ length: 3000 }, (_, i) => failing(i, "the Hub answered 503"));
    expect(fitHeartbeat(models)).toEqual({ models, trimmed: false });
  });

  it("leaves error messages out of a heartbeat over the limit, keeping every state and code", () => {
    const models = Array.from({ length: 3000 }, (_, i) => failing(i, "x".repeat(2000)));
    const fitted = fitHeartbeat(models);
    expect(fitted.trimmed).toBe(true);
    expect(fitted.models).toHaveLength(3000);
    expect(fitted.models[7]).toEqual({ ...models[7], error: { code: "download_failed", message: "" } });
    expect(Buffer.byteLength(JSON.stringify({ models: fitted.models }))).toBeLessThan(MAX_SYNC_BODY_BYTES);
  });
});
