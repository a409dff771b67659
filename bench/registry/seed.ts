// Seeds a registry at the scale one server is designed for: 1,000 models, 100 online
// nodes, and a sync state for every (node, model) pair.
import { sql } from "drizzle-orm";
import type { Db } from "../../lib/db/open";
import { models, type NewModel, type NewNode, nodes, registryState } from "../../lib/db/schema";
import { buildSeedManifest, createRandom, hexDigest } from "./manifests";

export interface SeedCounts {
  models: number;
  nodes: number;
  states: Record<string, number>;
}

/** Models registered last have no ready node yet, so listings carry every sync state, not only "ready". */
const freshModels = 20;

export async function seedRegistry(db: Db, opts: { models: number; nodes: number }): Promise<SeedCounts> {
  const random = createRandom(20_260_101);
  const now = Date.now();
  const modelRows: NewModel[] = Array.from({ length: opts.models }, (_, i) => {
    const repo = `org-${i % 100}/model-${i}`;
    const manifest = buildSeedManifest(repo, i, random);
    // One registration a minute, oldest first: listings are ordered by created_at.
    const createdAt = new Date(now - (opts.models - i) * 60_000);
    return {
      name: `hf/${repo}`,
      source: "hf",
      repo,
      filename: null,
      revision: "main",
      commit: hexDigest("sha1", repo),
      displayName: `model-${i}`,
      sizeBytes: manifest.sizeBytes,
      tags: manifest.tags,
      lastModified: new Date(createdAt.getTime() - 86_400_000),
      gated: i % 25 === 0 ? "auto" : null,
      formats: manifest.formats,
      warnings: manifest.warnings,
      variants: manifest.variants,
      artifacts: manifest.artifacts,
      createdAt,
      updatedAt: createdAt,
    };
  });
  // Batches keep each INSERT well under PostgreSQL's 65,535 bind parameters.
  for (let i = 0; i < modelRows.length; i += 200) await db.insert(models).values(modelRows.slice(i, i + 200));

  const nodeRows: NewNode[] = Array.from({ length: opts.nodes }, (_, i) => {
    const gguf = i % 3 !== 0;
    return {
      name: `node-${String(i).padStart(3, "0")}`,
      runtimes: gguf ? ["llama.cpp"] : ["vllm"],
      formats: gguf ? ["gguf"] : ["safetensors", "gguf"],
      gpus: [{ name: "NVIDIA L40S", memory_bytes: 48e9 }],
      memoryBytes: 256 * 2 ** 30,
      freeDiskBytes: (2 + (i % 6)) * 1e12,
      agentVersion: "0.1.0",
      lastSeenAt: new Date(),
    };
  });
  await db.insert(nodes).values(nodeRows);
  await seedNodeStates(db, opts.models - freshModels);

  await db
    .insert(registryState)
    .values({ id: 1, version: opts.models, syncVersion: 1 })
    .onConflictDoUpdate({ target: registryState.id, set: { version: opts.models, syncVersion: 1 } });
  // Without this, autovacuum wakes up to process 100,000 fresh rows in the middle of the
  // first load scenario, and the first reads of each row also write hint bits.
  await db.execute(sql`vacuum analyze`);
  return countSeed(db);
}

/**
 * Every node reports every model; the mix is decided by a hash of the two names so
 * it is the same on every run. Older models: ~88% ready, 8% downloading, 3% error,
 * 1% pending; the newest ones are still downloading everywhere.
 */
async function seedNodeStates(db: Db, settledModels: number): Promise<void> {
  await db.execute(sql`
    with ranked as (
      select id, name, size_bytes, variants->0->>'name' as variant,
        row_number() over (order by created_at, name) as rank
      from models
    ), pairs as (
      select n.id as node_id, m.id as model_id, m.size_bytes, m.variant,
        abs(hashtext(n.name || '|' || m.name)) % 100 as r,
        m.rank > ${settledModels} as fresh
      from nodes n cross join ranked m
    ), states as (
      select *, case
        when fresh then case when r < 70 then 'downloading' when r < 75 then 'error' else 'pending' end
        when r < 88 then 'ready' when r < 96 then 'downloading' when r < 99 then 'error' else 'pending'
      end as state
      from pairs
    )
    insert into node_model_states
      (node_id, model_id, state, variant, bytes_done, bytes_total, error_code, error_message)
    select node_id, model_id, state,
      case when state in ('ready', 'downloading') then variant end,
      case state when 'ready' then size_bytes when 'downloading' then size_bytes * r / 100 end,
      case when state in ('ready', 'downloading') then size_bytes end,
      case when state = 'error' then (array['disk_full', 'rate_limited', 'checksum_mismatch'])[1 + r % 3] end,
      case when state = 'error' then 'The download failed; the node retries with backoff.' end
    from states
  `);
}

async function countSeed(db: Db): Promise<SeedCounts> {
  const rows = (await db.execute(sql`
    select state, count(*)::int as n from node_model_states group by state
    union all select '#models', count(*)::int from models
    union all select '#nodes', count(*)::int from nodes
  `)) as unknown as { state: string; n: number }[];
  const counts: SeedCounts = { models: 0, nodes: 0, states: {} };
  for (const { state, n } of rows) {
    if (state === "#models") counts.models = n;
    else if (state === "#nodes") counts.nodes = n;
    else counts.states[state] = n;
  }
  return counts;
}

export interface Heartbeat {
  stop(): Promise<void>;
}

/**
 * Nodes are offline after 15 s without a heartbeat, and going offline changes the
 * /v1/models cache key; refreshing last_seen_at keeps the fleet online for the
 * whole run, as 100 live agents would.
 */
export function startHeartbeat(db: Db, intervalMs: number): Heartbeat {
  let inFlight: Promise<unknown> = Promise.resolve();
  let failures = 0;
  const timer = setInterval(() => {
    inFlight = db
      .update(nodes)
      .set({ lastSeenAt: sql`now()` })
      .catch((error: unknown) => {
        failures++;
        if (failures === 1) console.error("heartbeat update failed:", error);
      });
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}
