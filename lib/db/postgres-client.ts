import type { Sql } from "postgres";
import type { Database, Db } from "./database";
import * as schema from "./schema";

/**
 * How long a request waits for PostgreSQL before it is told the database is
 * unavailable (503). postgres.js alone would wait 30 s for a connection, back off up
 * to 20 s between reconnects while a database is down (requests queued behind that
 * waited ~16 s, then got a 500), and wait forever for a query whose connection went
 * silent (a dropped route, a failed-over host).
 */
export const databaseTimeoutMs = () => (Number(process.env.DATABASE_TIMEOUT_S) || 5) * 1000;

type Pool = { client: Sql; db: Db };

export async function openPostgres(url: string, opts: { migrationsFolder: string }): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const timeoutMs = databaseTimeoutMs();
  const options = {
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    onnotice: () => {},
    // postgres.js 3.4 runs a catalog query on every new connection to learn array types,
    // and drops its promise: a connection killed at that moment (a restarting or dropped
    // database) becomes an unhandled rejection, which ends a Node process (porsager/postgres
    // #1192, #1205). No column here is an SQL array (lists are jsonb; IN lists are expanded
    // by Drizzle), so the query is not needed.
    fetch_types: false,
    connect_timeout: Math.ceil(timeoutMs / 1000),
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
  };
  const createPool = (): Pool => {
    // A slow query is cancelled by the server just before the client gives up on it, so
    // the client-side deadline only ever fires on a database that does not answer.
    const client = postgres(url, { ...options, connection: { statement_timeout: Math.max(timeoutMs - 1000, 1000) } });
    const pool: Pool = { client, db: undefined as unknown as Db };
    pool.db = drizzle(
      guardSql(client, timeoutMs, () => replacePool(pool)),
      { schema },
    ) as unknown as Db;
    return pool;
  };
  let current = createPool();
  // A connection that went silent answers nothing until TCP gives up (minutes): once a
  // query times out, the pool is replaced (and a failed-over host looked up again).
  const replacePool = (silent: Pool) => {
    if (current !== silent) return;
    current = createPool();
    silent.client.end({ timeout: 0 }).catch(() => {});
  };
  // LISTEN keeps one connection of its own, which postgres.js re-subscribes after a drop.
  const notifications = postgres(url, { ...options, max: 1 });
  const db = new Proxy({} as Db, {
    get(_target, prop) {
      const value = Reflect.get(current.db, prop);
      return typeof value === "function" ? value.bind(current.db) : value;
    },
  });
  return {
    db,
    kind: "postgres",
    async listen(channel, listener) {
      const sub = await withDeadline(notifications.listen(channel, listener), timeoutMs);
      return () => sub.unlisten();
    },
    async notify(channel, payload) {
      const pool = current;
      await withDeadline(pool.client.notify(channel, payload), timeoutMs, () => replacePool(pool));
    },
    // Migrations run on a connection of their own, with no deadline: a large one may take minutes.
    async migrate() {
      const client = postgres(url, { ...options, max: 1 });
      try {
        const { migrate } = await import("drizzle-orm/postgres-js/migrator");
        await migrate(drizzle(client), { migrationsFolder: opts.migrationsFolder });
      } finally {
        await client.end({ timeout: 5 });
      }
    },
    close: async () => {
      await Promise.all([current.client.end({ timeout: 5 }), notifications.end({ timeout: 1 })]);
    },
  };
}

/** Every query through `sql` (and through the transactions it begins) answers or fails within `timeoutMs`. */
function guardSql(sql: Sql, timeoutMs: number, onSilent: () => void): Sql {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === "unsafe") {
        return (...args: Parameters<Sql["unsafe"]>) => guardQuery(target.unsafe(...args), timeoutMs, onSilent);
      }
      if (prop === "begin") return (...args: unknown[]) => guardBegin(target, args, timeoutMs, onSilent);
      return Reflect.get(target, prop, receiver);
    },
  });
}

/**
 * postgres.js queries are lazy promises with chainable methods (`.values()` returns the
 * query itself); the deadline starts when the query is awaited, i.e. when it runs.
 */
function guardQuery<Q extends PromiseLike<unknown>>(query: Q, timeoutMs: number, onSilent: () => void): Q {
  let bounded: Promise<unknown> | undefined;
  const run = () => {
    bounded ??= withDeadline(query, timeoutMs, onSilent);
    return bounded;
  };
  const proxy: Q = new Proxy(query, {
    get(target, prop) {
      if (prop === "then" || prop === "catch" || prop === "finally") {
        const promise = run();
        return (promise[prop as "then"] as (...a: unknown[]) => unknown).bind(promise);
      }
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        return result === target ? proxy : result;
      };
    },
  });
  return proxy;
}

/**
 * `begin` waits for a connection and BEGIN, runs the callback (whose queries are guarded
 * one by one), then COMMIT: the deadline covers the parts outside the callback.
 */
function guardBegin(sql: Sql, args: unknown[], timeoutMs: number, onSilent: () => void): Promise<unknown> {
  const callback = args.pop() as (tx: Sql) => Promise<unknown>;
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = (error: unknown) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      reject(error);
    };
    const arm = () => {
      timer = setTimeout(() => {
        fail(timeoutError(timeoutMs));
        onSilent();
      }, timeoutMs);
    };
    arm();
    const begin = sql.begin as unknown as (...a: unknown[]) => Promise<unknown>;
    begin(...args, async (tx: Sql) => {
      clearTimeout(timer);
      // The caller was already told the database is unavailable: roll back, change nothing.
      if (settled) throw timeoutError(timeoutMs);
      try {
        return await callback(guardSql(tx, timeoutMs, onSilent));
      } finally {
        if (!settled) arm();
      }
    }).then((value) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      resolve(value);
    }, fail);
  });
}

function withDeadline<T>(work: PromiseLike<T>, timeoutMs: number, onTimeout?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(timeoutError(timeoutMs));
      onTimeout?.();
    }, timeoutMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function timeoutError(timeoutMs: number): Error {
  return Object.assign(new Error(`the database did not answer within ${timeoutMs / 1000} s`), {
    code: "DATABASE_TIMEOUT",
  });
}
