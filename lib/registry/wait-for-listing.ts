import "server-only";
import type { RegistryFingerprint } from "@/lib/db/queries/registry-state";
import { metrics } from "@/lib/metrics/registry";
import { readFingerprint } from "./fingerprint-cache";
import { registryEtag } from "./list-models";
import { watchRegistry } from "./registry-events";

export const maxWaitSeconds = 30;

// NOTIFY wakes waiters at once; re-reading the fingerprint this often as well keeps
// the 5 s propagation promise when a notification is lost (a reconnecting listener,
// a pooler that drops LISTEN).
const recheckEveryMs = 2_000;

/**
 * Long-poll for `GET /api/models?wait=N`: returns the current fingerprint as soon as
 * its ETag differs from the client's, or after `waitSeconds` with the unchanged one.
 */
export async function waitForListingChange({
  knownEtag,
  waitSeconds,
  signal,
}: {
  knownEtag: string;
  waitSeconds: number;
  signal?: AbortSignal;
}): Promise<RegistryFingerprint> {
  const deadline = Date.now() + waitSeconds * 1000;
  metrics.listingWaiters.inc();
  try {
    for (;;) {
      const waiter = await watchRegistry({ timeoutMs: Math.min(deadline - Date.now(), recheckEveryMs), signal });
      const fingerprint = await readFingerprint();
      if (registryEtag(fingerprint) !== knownEtag || Date.now() >= deadline || signal?.aborted) {
        waiter.cancel();
        return fingerprint;
      }
      await waiter.changed;
    }
  } finally {
    metrics.listingWaiters.dec();
  }
}
