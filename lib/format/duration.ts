// Durations as people write them: 30s, 5m, 1h, combinations like 1h30m, or a bare number
// of seconds. Used by the CLI's options and the server's duration settings.
const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or null when `value` is not a duration of at most `maxMs`. */
export function parseDurationMs(value: string, maxMs = 7 * 24 * 3_600_000): number | null {
  const text = value.trim().toLowerCase();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) {
    ms = 0;
    for (const [, n, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g))
      ms += Number(n) * (unitMs[unit ?? "s"] ?? 1000);
  } else return null;
  if (!Number.isFinite(ms) || ms <= 0 || ms > maxMs) return null;
  return Math.round(ms);
}
