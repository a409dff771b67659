// Shared state of a running agent: the models it knows with the state it reports, the
// download queue, and the wake-ups that let one loop nudge another.
import type { SyncModel } from "../../../lib/api/node-schemas";
import type { ApiClient, RegistryModel } from "../../lib/api-client";
import type { NodeRunConfig } from "../../lib/config";
import type { AgentStateStore } from "../cache/state-file";
import type { DownloadSlots } from "../download/download-slots";
import type { Reporter } from "../output/progress";
import type { PlannedFile } from "./select-variant";

export interface ModelPlan {
  repo: string;
  commit: string;
  revision: string;
  variant: string;
  files: PlannedFile[];
}

export interface ModelRecord {
  /**
   * The record's key: the model's name for its current commit, `name@commit` for a commit
   * held beside it (a staged candidate, the previous commit kept for a rollback).
   */
  name: string;
  /** The model's listing entry; for a commit beside the current one, with that `commit`. */
  listing: RegistryModel;
  /** The previous commit: dropped from the cache after this time (ms); null otherwise. */
  keepUntil: number | null;
  /** Exactly what the next heartbeat reports for this model. */
  status: SyncModel;
  plan: ModelPlan | null;
  /** Earliest time to fetch the manifest again after a failure. */
  manifestRetryAt: number;
  manifestFailures: number;
  /** For errors worth another try later (disk_full, download_failed, rate_limited): when. */
  retryAt: number | null;
  job: { controller: AbortController; done: Promise<void> } | null;
}

/** A promise-based wake-up: wait() ends on timeout, abort, or wake() (also one that came first). */
export class Waker {
  private pending = false;
  private resolve: (() => void) | null = null;

  wake(): void {
    if (this.resolve) this.resolve();
    else this.pending = true;
  }

  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted || ms <= 0) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.resolve = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      this.resolve = done;
    });
  }
}

/** Model names waiting for a download job, in arrival order. */
export class DownloadQueue {
  private readonly names: string[] = [];
  private readonly waker = new Waker();

  push(name: string): void {
    if (!this.names.includes(name)) this.names.push(name);
    this.waker.wake();
  }

  remove(name: string): void {
    const i = this.names.indexOf(name);
    if (i >= 0) this.names.splice(i, 1);
  }

  has(name: string): boolean {
    return this.names.includes(name);
  }

  /** Next name, or null once `signal` aborts. */
  async next(signal: AbortSignal): Promise<string | null> {
    while (!signal.aborted) {
      const name = this.names.shift();
      if (name !== undefined) return name;
      await this.waker.wait(60_000, signal);
    }
    return null;
  }
}

export interface AgentContext {
  config: NodeRunConfig;
  api: ApiClient;
  reporter: Reporter;
  store: AgentStateStore;
  models: Map<string, ModelRecord>;
  queue: DownloadQueue;
  /** File transfers at once, shared by every model's job. */
  slots: DownloadSlots;
  /**
   * Per running job, the bytes it still has to write: free disk space is checked against
   * them too, so two models that each fit alone cannot both start when only one fits.
   */
  diskClaims: Map<string, { bytes: number }>;
  signal: AbortSignal;
  nodeId: string;
  heartbeatMs: number;
  /** Send a heartbeat now (a model became ready, failed, or was removed). */
  heartbeat: Waker;
  /** Poll the registry now (a heartbeat saw a newer registry ETag). */
  poll: Waker;
  /** Plan now (a listing brought models to plan). */
  planner: Waker;
}

/** The key of a commit held beside the model's current one. */
export function commitKey(name: string, commit: string): string {
  return `${name}@${commit}`;
}

/** True for the record of the model's current commit (the one served). */
export function isCurrentRecord(rec: ModelRecord): boolean {
  return rec.name === rec.listing.name;
}

export function newModelRecord(
  listing: RegistryModel,
  key = listing.name,
  keepUntil: number | null = null,
): ModelRecord {
  return {
    name: key,
    listing,
    keepUntil,
    status: { name: listing.name, state: "pending" },
    plan: null,
    manifestRetryAt: 0,
    manifestFailures: 0,
    retryAt: null,
    job: null,
  };
}

/**
 * Errors no retry within the download fixes (a gated repo, a checksum mismatch, a manifest
 * that fails its checks) are tried again this much later: access may be granted, a mirror
 * mended, a registration replaced, without restarting the agent.
 */
export const LATER_RETRY_MS = 15 * 60_000;

export function setModelError(
  ctx: AgentContext,
  rec: ModelRecord,
  code: string,
  message: string,
  retryInMs = LATER_RETRY_MS,
) {
  rec.status = { name: rec.name, state: "error", error: { code, message } };
  if (rec.plan) rec.status.variant = rec.plan.variant;
  rec.retryAt = Date.now() + retryInMs;
  ctx.reporter.endProgress(rec.name);
  ctx.reporter.event("error", "model.error", `${rec.name}: ${code}: ${message}`, { model: rec.name, code, message });
  ctx.heartbeat.wake();
}

export function enqueueModel(ctx: AgentContext, rec: ModelRecord): void {
  if (rec.job || ctx.queue.has(rec.name)) return;
  rec.status = { name: rec.name, state: "pending", variant: rec.plan?.variant };
  rec.retryAt = null;
  ctx.queue.push(rec.name);
  ctx.reporter.event("info", "model.pending", `${rec.name}: queued (${rec.plan?.variant ?? "variant unknown"})`, {
    model: rec.name,
    variant: rec.plan?.variant ?? null,
  });
}
