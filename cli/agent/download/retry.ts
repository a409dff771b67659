// Backoff primitives shared by the server loops (1 s → 30 s, forever) and by file
// downloads (1 s → 60 s, a bounded number of attempts, honouring Retry-After).

/** Waits `ms`, or less when `signal` aborts; never rejects, so callers just check `signal.aborted`. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Exponential delay for the n-th retry (0-based): base, 2·base, 4·base … capped at max. */
export function backoffDelay(attempt: number, baseMs = 1000, maxMs = 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
}

/** Stateful backoff for loops that never give up: next() grows, reset() after a success. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs = 1000,
    private readonly maxMs = 30_000,
  ) {}

  next(): number {
    return backoffDelay(this.attempt++, this.baseMs, this.maxMs);
  }

  reset(): void {
    this.attempt = 0;
  }

  get failing(): boolean {
    return this.attempt > 0;
  }
}

/** `Retry-After` as seconds or an HTTP date → milliseconds from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** What a retried operation's errors may carry; anything else is treated as permanent. */
export interface RetryableError {
  transient?: boolean;
  retryAfterMs?: number | null;
}

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  /** Upper bound on a server-requested Retry-After, so one bad header cannot park a download for hours. */
  maxRetryAfterMs?: number;
  signal?: AbortSignal;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * Runs `fn` until it succeeds, throws a permanent error, or `attempts` runs failed; the
 * last error is rethrown with `exhausted = true` so callers can tell the two apart.
 */
export async function retryTransient<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 8;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (opts.signal?.aborted) throw error;
      const retryable = error as RetryableError;
      if (!retryable?.transient) throw error;
      if (attempt + 1 >= attempts) {
        Object.assign(error as object, { exhausted: true });
        throw error;
      }
      const backoff = backoffDelay(attempt, opts.baseMs, opts.maxMs);
      const delayMs =
        retryable.retryAfterMs != null ? Math.min(retryable.retryAfterMs, opts.maxRetryAfterMs ?? 600_000) : backoff;
      opts.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await sleep(delayMs, opts.signal);
      if (opts.signal?.aborted) throw opts.signal.reason ?? error;
    }
  }
}
