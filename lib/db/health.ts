import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "./client";

/** Resolves when the database answers a trivial query; throws what the driver threw otherwise. */
export async function pingDatabase(): Promise<void> {
  const { db } = await getDb();
  await db.execute(sql`select 1`);
}
