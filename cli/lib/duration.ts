// `--timeout` values: 30s, 5m, 1h, combinations like 1h30m, or a bare number of seconds.
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
