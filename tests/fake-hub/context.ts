// Mutable state shared by the Hub and CDN handlers, plus the auth rule every route
// applies the same way.
import type { IncomingMessage } from "node:http";
import type { RepoStore, StoredFile } from "./store";

export type OutageMode = "down" | "ratelimit" | null;
export type FileFault = "unavailable" | "stall" | "drip" | "no-range";

/** Bytes per second of a file that drips (a mirror holding a connection open for days). */
export const DRIP_BYTES_PER_SECOND = 200;

export interface HubContext {
  store: RepoStore;
  token: string;
  hubUrl: string;
  cdnUrl: string;
  outage: OutageMode;
  throttle: number | null;
  /** Keys from corruptKey(): files served with flipped bytes. */
  corrupt: Set<string>;
  /** Keys from corruptKey(): files whose answers carry this ETag instead of their own (a lying mirror). */
  etags: Map<string, string>;
  /** Keys from corruptKey(): files that fail (503 at the resolve URL) or stall (headers, then silence). */
  faults: Map<string, FileFault>;
  slowDelayMs: number;
  /** CDN URL signature → the file it was issued for (lets the CDN apply per-file corruption). */
  signatures: Map<string, StoredFile>;
  /** Cancellers of pending delays, run on close so nothing outlives the hub. */
  cancels: Set<() => void>;
  closed: boolean;
}

export function corruptKey(repoId: string, path: string): string {
  return `${repoId.toLowerCase()}\n${path}`;
}

export function isCorrupt(ctx: HubContext, file: StoredFile): boolean {
  return ctx.corrupt.has(corruptKey(file.repoId, file.path));
}

/** The ETag a file's answers carry: its own, unless a test made the hub lie about it. */
export function etagFor(ctx: HubContext, file: StoredFile, own: string): string {
  return `"${ctx.etags.get(corruptKey(file.repoId, file.path)) ?? own}"`;
}

export function faultOf(ctx: HubContext, file: StoredFile): FileFault | undefined {
  return ctx.faults.get(corruptKey(file.repoId, file.path));
}

/** How the bytes of `file` are streamed, with the test switches that apply to it. */
export function streamOptionsFor(ctx: HubContext, file: StoredFile) {
  return {
    throttle: () => (faultOf(ctx, file) === "drip" ? DRIP_BYTES_PER_SECOND : ctx.throttle),
    corrupt: isCorrupt(ctx, file),
    stall: faultOf(ctx, file) === "stall",
    ignoreRange: faultOf(ctx, file) === "no-range",
    closed: () => ctx.closed,
  };
}

/** "anonymous" = no Authorization header; "valid" = the one fake token; else "invalid". */
export type AuthState = "anonymous" | "valid" | "invalid";

export function authOf(ctx: HubContext, req: IncomingMessage): AuthState {
  const header = req.headers.authorization;
  if (!header) return "anonymous";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match && match[1] === ctx.token ? "valid" : "invalid";
}

/** Resolves true after `ms`, or false at once if the hub closes meanwhile. */
export function delay(ctx: HubContext, ms: number): Promise<boolean> {
  if (ctx.closed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const cancel = () => {
      clearTimeout(timer);
      ctx.cancels.delete(cancel);
      resolve(false);
    };
    const timer = setTimeout(() => {
      ctx.cancels.delete(cancel);
      resolve(!ctx.closed);
    }, ms);
    ctx.cancels.add(cancel);
  });
}
