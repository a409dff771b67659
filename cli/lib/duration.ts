// Durations as people write them (`--timeout` values: 30s, 5m, 1h, combinations like
// 1h30m, or a bare number of seconds) and as the CLI and the agent print them (3m05s).
import { CliError, ExitCode } from "./exit-codes";

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(value: string, what: string): number {
  const text = value.trim().toLowerCase();
  const invalid = () => new CliError(`${what} must be a duration like 30s, 5m, 1h or 1h30m: ${value}`, ExitCode.usage);
  if (/^\d+(\.\d+)?$/.test(text)) return checked(Number(text) * 1000, invalid);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) throw invalid();
  let ms = 0;
  for (const [, n, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g))
    ms += Number(n) * (unitMs[unit ?? "s"] ?? 1000);
  return checked(ms, invalid);
}

function checked(ms: number, invalid: () => CliError): number {
  if (!Number.isFinite(ms) || ms <= 0 || ms > 7 * 24 * 3_600_000) throw invalid();
  return Math.round(ms);
}

/** 45s, 3m05s, 2h07m. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
