import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "../client";
import { rowsOf } from "./models";

/**
 * The most memory any registered node reports: its system memory or the sum of its
 * GPUs' memory, whichever is larger. Null when no node reports memory.
 */
export async function getLargestNodeMemory(): Promise<number | null> {
  const { db } = await getDb();
  const result = await db.execute<{ largest: string | null }>(sql`
    select max(greatest(
      coalesce(memory_bytes, 0),
      coalesce((select sum((g->>'memory_bytes')::bigint) from jsonb_array_elements(gpus) g), 0)
    ))::text as largest
    from nodes
  `);
  const largest = Number(rowsOf<{ largest: string | null }>(result)[0]?.largest ?? 0);
  return largest > 0 ? largest : null;
}
