/** True when a PostgreSQL error with this SQLSTATE is anywhere in the cause chain (drivers and Drizzle wrap it). */
export function hasPgErrorCode(error: unknown, code: string): boolean {
  return causeChain(error).some((e) => e.code === code);
}

// Failures that say "the database cannot be reached now", not "this query is wrong":
// a request that meets one is worth retrying, so it is a 503, never a 500.
const unreachableCodes = new Set([
  // Node's socket and DNS errors
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENETDOWN",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  // postgres.js
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  // ours: a query with no answer in time (lib/db/postgres-client.ts)
  "DATABASE_TIMEOUT",
  // SQLSTATE: shutting down, crashed, starting up or in recovery, out of connections,
  // and a statement cancelled by statement_timeout (an overloaded database)
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "57014",
]);

/** The database is unreachable, restarting or refusing connections: retry later (503), not a bug (500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  return causeChain(error).some((e) => {
    const code = typeof e.code === "string" ? e.code : "";
    // SQLSTATE class 08: connection exceptions.
    return unreachableCodes.has(code) || /^08[0-9A-Z]{3}$/.test(code);
  });
}

type Link = { code?: unknown; cause?: unknown; err?: unknown };

/**
 * The error and everything it wraps: `cause` (Drizzle, undici, Error options) and
 * `cause.err` (next-auth wraps what a sign-in callback threw that way). Bounded, so a
 * cyclic chain cannot loop.
 */
export function causeChain(error: unknown): Link[] {
  const chain: Link[] = [];
  const queue: unknown[] = [error];
  while (queue.length && chain.length < 16) {
    const e = queue.shift();
    if (!e || typeof e !== "object" || chain.includes(e as Link)) continue;
    const link = e as Link;
    chain.push(link);
    queue.push(link.cause, link.err);
  }
  return chain;
}
