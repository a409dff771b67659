// The listing scenarios: /v1/models and /api/models under load, the bare baseline,
// and what one cache miss costs after the registry moves.
import { sql } from "drizzle-orm";
import type { Db } from "../../lib/db/open";
import { captureResponse, type LoadOptions, type LoadResult, runLoad, startBaselineServer } from "./load";

export interface ListingKeys {
  /** An `llmlb_` reader key, like an OpenAI client: looked up in the database (then remembered for 5 s). */
  reader: string;
  /** An `llmlb_` node key, like a polling node agent. */
  node: string;
  /** LLMLB_ADMIN_KEY: checked in memory, never looked up. */
  bootstrap: string;
}

export interface ListingResults {
  load: LoadResult[];
  /** a. req/s divided by the baseline's. */
  ratioToBaseline: number;
  v1Entries: number;
  syncStates: Record<string, number>;
  rebuild: { v1Ms: number[]; apiMs: number[] };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export async function measureListings(
  serverUrl: string,
  keys: ListingKeys,
  db: Db,
  opts: LoadOptions & { rebuildSamples: number },
): Promise<ListingResults> {
  const v1Url = `${serverUrl}/v1/models`;
  const apiUrl = `${serverUrl}/api/models`;
  const v1 = await captureResponse(v1Url, bearer(keys.reader));
  const api = await captureResponse(apiUrl, bearer(keys.node));
  if (v1.status !== 200 || api.status !== 200) throw new Error(`listing failed: ${v1.status} / ${api.status}`);
  const etag = api.headers.etag;
  const notModified = await captureResponse(apiUrl, { ...bearer(keys.node), "if-none-match": etag });
  if (!etag || notModified.status !== 304) throw new Error(`conditional GET answered ${notModified.status}`);

  const v1Body = v1.body.toString("utf8");
  const data = (JSON.parse(v1Body) as { data: { sync: { state: string } }[] }).data;
  const syncStates: Record<string, number> = {};
  for (const entry of data) syncStates[entry.sync.state] = (syncStates[entry.sync.state] ?? 0) + 1;

  const baseline = await startBaselineServer(v1);
  const load: LoadResult[] = [];
  try {
    // The server's JIT and pools are cold right after start; without this the first
    // scenario alone pays for it, beyond what its own warm-up absorbs.
    await runLoad(
      { label: "warm-up", url: v1Url, headers: bearer(keys.reader), okStatuses: [200], bodyBytes: 0 },
      { ...opts, durationS: 3, warmupS: 1 },
    );
    const scenarios = [
      { label: "a. GET /v1/models (llmlb_ key)", url: v1Url, headers: bearer(keys.reader), expect: v1Body },
      { label: "a'. GET /v1/models (bootstrap key)", url: v1Url, headers: bearer(keys.bootstrap), expect: v1Body },
      {
        label: "b. GET /api/models → 200",
        url: apiUrl,
        headers: bearer(keys.node),
        expect: api.body.toString("utf8"),
      },
      {
        label: "c. GET /api/models If-None-Match → 304",
        url: apiUrl,
        headers: { ...bearer(keys.node), "if-none-match": etag },
        status: 304,
        bytes: 0,
      },
      { label: "d. bare node:http, bytes of a.", url: baseline.url, headers: {}, expect: v1Body },
    ];
    for (const s of scenarios) {
      const result = await runLoad(
        {
          label: s.label,
          url: s.url,
          headers: s.headers,
          okStatuses: [s.status ?? 200],
          expectBody: s.expect,
          bodyBytes: s.bytes ?? Buffer.byteLength(s.expect ?? ""),
        },
        opts,
      );
      console.log(`  ${result.label}: ${Math.round(result.requestsPerSec)} req/s, p99 ${result.p99Ms.toFixed(1)} ms`);
      load.push(result);
    }
  } finally {
    await baseline.close();
  }

  const rebuild = {
    // A node's state change moves sync_version: only /v1/models is rebuilt.
    v1Ms: await timeAfterWrite(db, sql`update registry_state set sync_version = sync_version + 1`, v1Url, keys.reader, {
      samples: opts.rebuildSamples,
    }),
    // A registration on any instance moves version: /api/models gets a new ETag and body.
    apiMs: await timeAfterWrite(db, sql`update registry_state set version = version + 1`, apiUrl, keys.node, {
      samples: opts.rebuildSamples,
    }),
  };
  const ratioToBaseline = load[0].requestsPerSec / load[load.length - 1].requestsPerSec;
  return { load, ratioToBaseline, v1Entries: data.length, syncStates, rebuild };
}

// Each server process shares one fingerprint read for 250 ms (lib/registry/fingerprint-cache.ts),
// so a write made elsewhere is seen only after that; waiting longer makes the next request a miss.
const fingerprintShareMs = 250;

/** Latency of the first request after each write, i.e. a cache miss that rebuilds the listing. */
async function timeAfterWrite(
  db: Db,
  write: ReturnType<typeof sql>,
  url: string,
  key: string,
  opts: { samples: number },
): Promise<number[]> {
  const samples: number[] = [];
  let lastEtag: string | null = null;
  for (let i = 0; i < opts.samples; i++) {
    await db.execute(write);
    await new Promise((resolve) => setTimeout(resolve, fingerprintShareMs + 100));
    const started = performance.now();
    const res = await fetch(url, { headers: bearer(key) });
    await res.arrayBuffer();
    samples.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status} after a registry change`);
    // Where there is an ETag, a new one proves the request saw the write, i.e. really missed.
    const etag = res.headers.get("etag");
    if (etag && etag === lastEtag) throw new Error(`${url} still answered ${etag} after a registry change`);
    lastEtag = etag;
  }
  return samples;
}
