// What the scale bench watches while it measures: nodes offline (the database's own
// answer where it can be asked directly, else GET /api/nodes), and listings until a change shows.
import postgres from "postgres";
import { sleep } from "../nodes/stats";

export interface OfflineWatch {
  /** The most nodes offline in any sample since the last reset, and how many samples. */
  take(): { maxOffline: number; samples: number; nodes: number };
  /** PostgreSQL backend of the watch itself, left out of PostgreSQL's CPU. */
  ownPid: number | null;
  stop(): Promise<void>;
}

/** Samples every second with one SQL query, the way every reader decides online (15 s). */
export async function watchOfflineSql(databaseUrl: string): Promise<OfflineWatch> {
  const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const ownPid = (await client<{ pid: number }[]>`select pg_backend_pid() as pid`)[0].pid;
  return poll(
    ownPid,
    1_000,
    async () => {
      const [row] = await client<{ offline: number; nodes: number }[]>`
      select count(*) filter (where last_seen_at <= now() - interval '15 seconds')::int as offline,
        count(*)::int as nodes from nodes`;
      return row;
    },
    () => client.end({ timeout: 5 }),
  );
}

/** Samples GET /api/nodes?summary=true every 2 s (PGlite lives inside the server). */
export function watchOfflineHttp(serverUrl: string, apiKey: string): Promise<OfflineWatch> {
  return Promise.resolve(
    poll(
      null,
      2_000,
      async () => {
        const res = await fetch(`${serverUrl}/api/nodes?summary=true`, {
          headers: { authorization: `Bearer ${apiKey}` },
        });
        if (!res.ok) throw new Error(`GET /api/nodes?summary=true → ${res.status}`);
        const { nodes } = (await res.json()) as { nodes: { online: boolean }[] };
        return { offline: nodes.filter((n) => !n.online).length, nodes: nodes.length };
      },
      async () => {},
    ),
  );
}

function poll(
  ownPid: number | null,
  everyMs: number,
  sample: () => Promise<{ offline: number; nodes: number }>,
  close: () => Promise<unknown>,
): OfflineWatch {
  let stopped = false;
  let state = { maxOffline: 0, samples: 0, nodes: 0 };
  const loop = (async () => {
    while (!stopped) {
      try {
        const s = await sample();
        state = { maxOffline: Math.max(state.maxOffline, s.offline), samples: state.samples + 1, nodes: s.nodes };
      } catch (error) {
        console.error("offline watch:", error);
      }
      await sleep(everyMs);
    }
  })();
  return {
    ownPid,
    take() {
      const out = state;
      state = { maxOffline: 0, samples: 0, nodes: state.nodes };
      return out;
    },
    async stop() {
      stopped = true;
      await loop;
      await close();
    },
  };
}

/**
 * Polls GET /v1/models every 100 ms until `model`'s ready_nodes is `expected`: when it first
 * is (null: not within the timeout), and how many polls were refused meanwhile.
 */
export async function waitForReadyNodes(
  serverUrl: string,
  apiKey: string,
  model: string,
  expected: number,
  timeoutMs: number,
): Promise<{ seenAt: number | null; refused: number }> {
  const deadline = Date.now() + timeoutMs;
  let refused = 0;
  while (Date.now() < deadline) {
    const ready = await readyNodes(serverUrl, apiKey, model);
    if (ready === expected) return { seenAt: Date.now(), refused };
    if (ready === null) refused++;
    await sleep(100);
  }
  return { seenAt: null, refused };
}

/** `model`'s ready_nodes in GET /v1/models; null when the server refused the request (say a 503). */
export async function readyNodes(serverUrl: string, apiKey: string, model: string): Promise<number | null> {
  const res = await fetch(`${serverUrl}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!res.ok) {
    await res.arrayBuffer();
    return null;
  }
  const { data } = (await res.json()) as { data: { id: string; sync: { ready_nodes: number } }[] };
  const entry = data.find((m) => m.id === model);
  if (!entry) throw new Error(`${model} is not in /v1/models`);
  return entry.sync.ready_nodes;
}

/** readyNodes, asked again (every 500 ms, at most 20 times) while the server refuses. */
export async function readyNodesNow(serverUrl: string, apiKey: string, model: string): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const ready = await readyNodes(serverUrl, apiKey, model);
    if (ready !== null) return ready;
    await sleep(500);
  }
  throw new Error(`GET /v1/models refused 20 times in a row`);
}
