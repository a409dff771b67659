// A registry long-poller like the agent's loop: GET /api/models?wait=N with the last
// ETag; every 200 hands the listing's names to the caller with its arrival time.
import { sleep } from "./stats";

export interface LongPoller {
  /** Requests answered so far, by status (0 = network error). */
  statuses: Map<number, number>;
  /** Resolves once the first listing (the one without If-None-Match) has arrived. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export interface LongPollOptions {
  serverUrl: string;
  apiKey: string;
  waitS: number;
  onListing?: (names: Set<string>, at: number) => void;
  /** Upper bound on requests, so the loop ends even if stop() is never called. */
  maxRequests?: number;
}

export function startLongPoller(o: LongPollOptions): LongPoller {
  const controller = new AbortController();
  const statuses = new Map<number, number>();
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const loop = (async () => {
    let etag: string | null = null;
    for (let i = 0; i < (o.maxRequests ?? 100_000) && !controller.signal.aborted; i++) {
      try {
        const res: Response = await fetch(`${o.serverUrl}/api/models${etag ? `?wait=${o.waitS}` : ""}`, {
          headers: { authorization: `Bearer ${o.apiKey}`, ...(etag ? { "if-none-match": etag } : {}) },
          signal: controller.signal,
        });
        count(res.status);
        if (res.status === 200) {
          const body = (await res.json()) as { models: { name: string }[] };
          const at = performance.now();
          etag = res.headers.get("etag");
          o.onListing?.(new Set(body.models.map((m) => m.name)), at);
          markReady();
        } else {
          await res.body?.cancel();
          if (res.status !== 304) await sleep(200);
        }
      } catch {
        if (controller.signal.aborted) break;
        count(0);
        await sleep(200);
      }
    }
  })();
  return {
    statuses,
    ready,
    async stop() {
      controller.abort();
      await loop;
    },
  };
}
