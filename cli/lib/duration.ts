// Durations as people write them (`--timeout` values: 30s, 5m, 1h, combinations like
// 1h30m, or a bare number of seconds) and as the CLI and the agent print them (3m05s).
import { parseDurationMs } from "../../lib/format/duration";
import { CliError, ExitCode } from "./exit-codes";

export function parseDuration(value: string, what: string): number {
  const ms = parseDurationMs(value);
  if (ms === null) throw new CliError(`${what} must be a duration like 30s, 5m, 1h or 1h30m: ${value}`, ExitCode.usage);
  return ms;
}

/** 45s, 3m05s, 2h07m. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
