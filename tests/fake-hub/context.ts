// Mutable state shared by the Hub and CDN handlers, plus the auth rule every route
// applies the same way.
import type { IncomingMessage } from "node:http";
import type { RepoStore, StoredFile } from "./store";

export type OutageMode = "down" | "ratelimit" | null;

export interface HubContext {
  store: RepoStore;
  token: string;
  hubUrl: string;
  cdnUrl: string;
  outage: OutageMode;
  throttle: number | null;
  /** Keys from corruptKey(): files served with flipped bytes. */
  corrupt: Set<string>;
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
