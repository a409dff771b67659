// Figures as people read them in the model commands' output.
import { formatDuration } from "./duration";

/** Decimal units, like the Hub shows sizes ("4.9 GB"). */
export { formatBytes as formatSize } from "../../lib/format/bytes";
export { shortCommit } from "../../lib/format/commit";

export const yesNo = (value: boolean) => (value ? "yes" : "no");

/** "3m05s ago", from an ISO timestamp; "just now" under a second. */
export function formatAgo(iso: string, now = Date.now()): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  if (ms < 1000) return "just now";
  return `${formatDuration(ms)} ago`;
}

export function percent(done: number, total: number): string {
  if (total <= 0) return "0%";
  return `${Math.floor(Math.min(1, done / total) * 100)}%`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
