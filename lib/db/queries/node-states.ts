import "server-only";
import { sql } from "drizzle-orm";
import { nodeOfflineAfterSeconds } from "@/lib/nodes/constants";
import { getDb } from "../client";
import { rowsOf } from "./models";

export interface SyncCounts {
  readyNodes: number;
  syncingNodes: number;
  errorNodes: number;
  nodes: number;
}

type CountRow = { model_id: string; ready: number; syncing: number; errors: number; total: number };

/**
 * Per-model counts of the states reported by ONLINE nodes only: offline is decided
 * from last_seen_at at read time, so a dead node stops counting with no background job.
 */
export async function getSyncCounts({ modelId }: { modelId?: string } = {}): Promise<Map<string, SyncCounts>> {
  const { db } = await getDb();
  const result = await db.execute<CountRow>(sql`
    select s.model_id::text as model_id,
      (count(*) filter (where s.state = 'ready'))::int as ready,
      (count(*) filter (where s.state in ('pending', 'downloading')))::int as syncing,
      (count(*) filter (where s.state = 'error'))::int as errors,
      count(*)::int as total
    from node_model_states s
    -- any(array(...)) rather than a join: heartbeats keep last_seen_at ahead of the
    -- planner's statistics, and the join estimate (1 online node) picked a nested
    -- loop over every state row (130 ms at 100 nodes x 1,000 models, 36 ms this way).
    where s.node_id = any(array(
      select id from nodes where last_seen_at > now() - make_interval(secs => ${nodeOfflineAfterSeconds})
    ))
      ${modelId ? sql`and s.model_id = ${modelId}` : sql``}
    group by s.model_id
  `);
  const counts = new Map<string, SyncCounts>();
  for (const row of rowsOf<CountRow>(result)) {
    counts.set(row.model_id, {
      readyNodes: Number(row.ready),
      syncingNodes: Number(row.syncing),
      errorNodes: Number(row.errors),
      nodes: Number(row.total),
    });
  }
  return counts;
}
