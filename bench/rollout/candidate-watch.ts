// A bare long-poller on llmlb's registry listing (GET /api/models?wait=25 with the last
// ETag, the agent's loop without the agent): when each model's candidate first showed in
// a listing. Splits webhook → staging into the server's part and the agent's.
export interface CandidateWatch {
  /** Date.now() of the first listing naming `commit` as `name`'s candidate. */
  seen(name: string, commit: string, ms?: number): Promise<number>;
  stop(): Promise<void>;
}

type Listing = { models: { name: string; candidate: { commit: string } | null }[] };

export async function watchCandidates(opts: { serverUrl: string; apiKey: string }): Promise<CandidateWatch> {
  const controller = new AbortController();
  const firstSeen = new Map<string, number>();
  let notify = () => {};
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const loop = (async () => {
    let etag: string | null = null;
    while (!controller.signal.aborted) {
      try {
        const res: Response = await fetch(`${opts.serverUrl}/api/models${etag ? "?wait=25" : ""}`, {
          headers: { authorization: `Bearer ${opts.apiKey}`, ...(etag ? { "if-none-match": etag } : {}) },
          signal: controller.signal,
        });
        if (res.status !== 200) {
          await res.body?.cancel();
          if (res.status !== 304) await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        const body = (await res.json()) as Listing;
        const at = Date.now();
        etag = res.headers.get("etag");
        for (const m of body.models) {
          const key = `${m.name}@${m.candidate?.commit}`;
          if (m.candidate && !firstSeen.has(key)) firstSeen.set(key, at);
        }
        markReady();
        notify();
      } catch {
        if (controller.signal.aborted) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  })();
  await ready;
  return {
    seen(name, commit, ms = 30_000) {
      const key = `${name}@${commit}`;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the listing never named ${key}`)), ms);
        notify = () => {
          const at = firstSeen.get(key);
          if (at === undefined) return;
          clearTimeout(timer);
          resolve(at);
        };
        notify();
      });
    },
    async stop() {
      controller.abort();
      await loop;
    },
  };
}
