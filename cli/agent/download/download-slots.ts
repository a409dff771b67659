// How many file transfers run at once (LLMLB_NODE_DOWNLOADS). A transfer holds a slot only
// while it talks to the Hub: a file waiting to retry gives its slot to the next one, so one
// slow or failing file never holds back the others. Slots are handed out first come, first
// served, so the files of the model queued first go first.

export class DownloadSlots {
  private active = 0;
  private readonly waiting: { grant: () => void; signal: AbortSignal }[] = [];

  constructor(readonly limit: number) {}

  /** Runs `fn` in a slot; rejects with the signal's reason if it aborts while waiting for one. */
  async run<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        signal,
        grant: () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next in line; `active` stays the same.
    if (next) next.grant();
    else this.active--;
  }
}
