// Speed and time left of each model's aggregate download, from successive polls of
// GET /api/models/sync. Pure: the server reports bytes, the browser measures time.

export type RateSample = {
  done: number;
  total: number;
  at: number;
  /** Bytes per second, smoothed over polls; null until two polls of one download. */
  rate: number | null;
};

export type Rates = ReadonlyMap<string, RateSample>;

type Progress = { name: string; bytes_done: number; bytes_total: number };

// Each new poll weighs as much as everything before it: quick to follow a change,
// steady across one slow answer.
const weight = 0.5;

/**
 * The samples after a poll answered at `at`. A download whose total changed (a node
 * started or finished) keeps its last speed on a new baseline: the bytes of nodes that
 * joined or left are no progress. Models with nothing downloading drop out.
 */
export function advanceRates(previous: Rates, models: Progress[], at: number): Rates {
  const next = new Map<string, RateSample>();
  for (const m of models) {
    if (m.bytes_total <= 0) continue;
    const before = previous.get(m.name);
    let rate = before?.rate ?? null;
    if (before && before.total === m.bytes_total && at > before.at && m.bytes_done >= before.done) {
      const measured = ((m.bytes_done - before.done) * 1000) / (at - before.at);
      rate = rate === null ? measured : weight * measured + (1 - weight) * rate;
    }
    next.set(m.name, { done: m.bytes_done, total: m.bytes_total, at, rate });
  }
  return next;
}

/** Seconds until the download completes at its current speed; null when unknown or stalled. */
export function secondsLeft(sample: RateSample | undefined): number | null {
  if (!sample?.rate || sample.rate <= 0) return null;
  return Math.max(0, (sample.total - sample.done) / sample.rate);
}

/** "45 s", "12 min", "3 h 5 min". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}
