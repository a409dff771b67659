// How many file transfers run at once (LLMLB_NODE_DOWNLOADS). A transfer holds a slot only
// while it talks to the Hub: a file waiting to retry gives its slot to the next one. No
// model takes every slot (one is always left for the others), and a freed slot goes to the
// waiting model with the fewest transfers running, first come first served among equals:
// a slow or huge model never holds back a small one queued after it.

interface Waiter {
  owner: string;
  grant: () => void;
}

export class DownloadSlots {
  private active = 0;
  private readonly byOwner = new Map<string, number>();
  private readonly waiting: Waiter[] = [];
  /** Most slots one owner may hold: all but one, so another model can always start. */
  private readonly perOwner: number;

  constructor(readonly limit: number) {
    this.perOwner = limit > 1 ? limit - 1 : 1;
  }

  /** Runs `fn` in one of `owner`'s slots; rejects with the signal's reason if it aborts while waiting. */
  async run<T>(owner: string, fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
    await this.acquire(owner, signal);
    try {
      return await fn();
    } finally {
      this.release(owner);
    }
  }

  private acquire(owner: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        owner,
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
      this.dispatch();
    });
  }

  private release(owner: string): void {
    this.active--;
    const held = (this.byOwner.get(owner) ?? 1) - 1;
    if (held > 0) this.byOwner.set(owner, held);
    else this.byOwner.delete(owner);
    this.dispatch();
  }

  private dispatch(): void {
    while (this.active < this.limit) {
      let pick = -1;
      for (let i = 0; i < this.waiting.length; i++) {
        const held = this.byOwner.get(this.waiting[i].owner) ?? 0;
        if (held >= this.perOwner) continue;
        if (pick === -1 || held < (this.byOwner.get(this.waiting[pick].owner) ?? 0)) pick = i;
      }
      if (pick === -1) return;
      const [waiter] = this.waiting.splice(pick, 1);
      this.active++;
      this.byOwner.set(waiter.owner, (this.byOwner.get(waiter.owner) ?? 0) + 1);
      waiter.grant();
    }
  }
}
