// Errors are logged with what they say about the failure, never with the values they
// carried: Drizzle puts a failed query's parameters into its message (an API key's
// hash, a password hash, the session secret), postgres.js keeps them on the error,
// and PostgreSQL echoes row values in `detail` ("Key (key_hash)=(…) already exists").

const redacted = "[redacted]";
// Fields kept from an error object; everything else (params, parameters, args, detail,
// where, …) is left out, so a new secret-bearing field is dropped by default.
const keptFields = [
  "code",
  "errno",
  "syscall",
  "severity",
  "routine",
  "schema_name",
  "table_name",
  "column_name",
  "constraint_name",
  "query",
  "status",
] as const;
const maxDepth = 8;

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  cause?: SerializedError;
  [field: string]: unknown;
}

/** pino's `err` serializer: the error and its cause chain, with every query parameter scrubbed out. */
export function serializeError(error: unknown): unknown {
  if (!error || typeof error !== "object") return error;
  const scrub = makeScrubber(collectValues(error));
  return serializeLink(error as Record<string, unknown>, scrub, 0);
}

/**
 * One line for a person (stderr at a failed start): the messages down the cause chain,
 * scrubbed, without Drizzle's "Failed query: <sql>" wrappers (the cause says what failed).
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e = serializeError(error) as SerializedError | undefined; e && typeof e === "object"; e = e.cause) {
    const line = e.message.split("\n")[0]?.trim();
    if (line && !line.startsWith("Failed query:")) parts.push(line);
  }
  return parts.join(": ") || "unknown error";
}

function serializeLink(e: Record<string, unknown>, scrub: (s: string) => string, depth: number): SerializedError {
  const out: SerializedError = {
    type: typeof e.name === "string" && e.name ? e.name : "Error",
    message: scrub(stripParams(String(e.message ?? ""))),
  };
  for (const field of keptFields) {
    const value = e[field];
    if (value !== undefined && value !== null && typeof value !== "object") {
      out[field] = typeof value === "string" ? scrub(value) : value;
    }
  }
  if (typeof e.stack === "string") out.stack = scrub(stripParams(e.stack));
  // next-auth wraps the error a callback threw as `cause.err`.
  const next = e.cause ?? e.err;
  if (next && typeof next === "object" && depth < maxDepth) {
    out.cause = serializeLink(next as Record<string, unknown>, scrub, depth + 1);
  }
  return out;
}

/** Drizzle's "Failed query: <sql>\nparams: <values>": keep the SQL, drop the values (up to the stack frames). */
function stripParams(text: string): string {
  return text.replace(/\nparams: [\s\S]*?(?=\n\s+at |$)/, `\nparams: ${redacted}`);
}

/** Every parameter value anywhere in the chain, so a message that echoes one is scrubbed too. */
function collectValues(error: unknown): string[] {
  const values = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === "string") values.add(v);
    else if (v && typeof v === "object" && !(v instanceof Date)) values.add(JSON.stringify(v));
  };
  let e = error as Record<string, unknown> | undefined;
  for (let depth = 0; e && typeof e === "object" && depth <= maxDepth; depth++) {
    for (const field of ["params", "parameters", "args"]) {
      const list = e[field];
      if (Array.isArray(list)) list.forEach(add);
    }
    e = (e.cause ?? e.err) as Record<string, unknown> | undefined;
  }
  // Short values ("1", "node") would scrub ordinary words; secrets are long.
  return [...values].filter((v) => v.length >= 8).sort((a, b) => b.length - a.length);
}

function makeScrubber(values: string[]): (s: string) => string {
  if (!values.length) return (s) => s;
  return (s) => values.reduce((text, value) => text.split(value).join(redacted), s);
}
