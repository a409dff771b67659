// The database as the rest of lib/db sees it, whichever driver opened it; apart from
// open.ts so that the drivers it loads can use these types without importing it back.
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  /** Run `listener` on NOTIFY of `channel`; returns the unsubscribe function. */
  listen(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Apply pending migrations (drizzle/). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}
