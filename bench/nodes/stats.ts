// Percentiles and number formatting shared by every table.

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

export function summarize(values: number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.length ? s[s.length - 1] : Number.NaN,
  };
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export const fmt = {
  ms: (v: number) => (Number.isFinite(v) ? v.toFixed(Math.abs(v) < 10 ? 1 : 0) : "–"),
  num: (v: number, digits = 0) =>
    Number.isFinite(v)
      ? v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
      : "–",
  pct: (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(0)}%` : "–"),
  mb: (bytes: number) => (Number.isFinite(bytes) ? (bytes / 1e6).toFixed(0) : "–"),
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
