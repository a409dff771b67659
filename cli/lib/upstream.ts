// How the model commands show what a model follows upstream and what changed there.
import type { z } from "zod";
import type { ModelDetail, ModelHistory, UpstreamDiff } from "../../lib/api/model-schemas";
import { followPolicySchema } from "../../lib/api/schemas";
import { formatAgo, formatSize, plural, shortCommit } from "./display";
import { CliError, ExitCode } from "./exit-codes";
import { printLine } from "./output";
import { formatTable } from "./table";

export type FollowPolicy = z.infer<typeof followPolicySchema>;

/** The policies the server takes (lib/api/schemas.ts), case-insensitively. */
export function parseFollow(value: string | undefined): FollowPolicy | undefined {
  if (value === undefined) return undefined;
  const parsed = followPolicySchema.safeParse(value.trim().toLowerCase());
  if (parsed.success) return parsed.data;
  throw new CliError(`--follow must be manual, auto or off: ${value}`, ExitCode.usage);
}

/** "main: up to date (checked 3m05s ago)" and the like: one line for `add`, `show` and `check`. */
export function describeFollow(m: ModelDetail): string {
  const failed = m.upstream.check_error ? `; the last check failed: ${m.upstream.check_error.message}` : "";
  return describeState(m) + failed;
}

function describeState(m: ModelDetail): string {
  const u = m.upstream;
  switch (u.state) {
    case "fixed":
      return `nothing: registered at a commit, which never changes`;
    case "off":
      return `${m.revision}, not checked (follow off)`;
    case "unchecked":
      return `${m.revision} (not checked yet)`;
    case "current":
      return `${m.revision}: up to date (checked ${u.checked_at ? formatAgo(u.checked_at) : "-"})`;
    case "update_available":
      return `${m.revision}: update available, ${shortCommit(u.commit ?? "")} (seen ${u.seen_at ? formatAgo(u.seen_at) : "-"})`;
    case "gone":
      return `${m.revision}: gone upstream (${u.reason?.message ?? "unknown reason"}); ${shortCommit(m.commit)} keeps serving`;
  }
}

/** The per-variant and per-file diff, as `model diff` and `model check` print it. */
export function printDiff(diff: UpstreamDiff): void {
  printLine(`${shortCommit(diff.from)} → ${shortCommit(diff.to)}`);
  printLine();
  printLine(
    formatTable(
      diff.variants,
      [
        { header: "VARIANT", value: (v) => v.name },
        { header: "CHANGE", value: (v) => v.change },
        {
          header: "DOWNLOAD",
          value: (v) => (v.change === "removed" ? "-" : formatSize(v.download_bytes)),
          align: "right",
        },
        { header: "SIZE", value: (v) => formatSize(v.size_bytes), align: "right" },
      ],
      "  ",
    ),
  );
  const files = [
    ...diff.changed.map((f) => ({ ...f, change: "changed" })),
    ...diff.added.map((f) => ({ ...f, change: "added" })),
    ...diff.removed.map((f) => ({ ...f, change: "removed" })),
  ];
  printLine();
  if (files.length === 0) {
    printLine(`  No file of the manifest changed (${plural(diff.counts.unchanged, "file")} the same).`);
    return;
  }
  printLine(
    formatTable(
      files,
      [
        { header: "FILE", value: (f) => f.filename },
        { header: "CHANGE", value: (f) => f.change },
        { header: "VARIANT", value: (f) => f.variant ?? "-" },
        {
          header: "SIZE",
          value: (f) =>
            f.old_size_bytes !== undefined && f.old_size_bytes !== f.size_bytes
              ? `${formatSize(f.old_size_bytes)} → ${formatSize(f.size_bytes)}`
              : formatSize(f.size_bytes),
          align: "right",
        },
      ],
      "  ",
    ),
  );
  const { counts } = diff;
  const cut = counts.added + counts.removed + counts.changed - files.length;
  if (cut > 0) printLine(`  … and ${plural(cut, "more file")} (the server lists ${diff.listed_max} of each kind)`);
  printLine(`  ${plural(counts.unchanged, "file")} unchanged`);
}

export function printHistory(h: ModelHistory): void {
  printLine(
    formatTable(h.history, [
      { header: "WHEN", value: (e) => e.at },
      { header: "WHAT", value: (e) => e.action.replaceAll("_", " ") },
      { header: "WHO", value: (e) => e.actor },
      {
        header: "COMMIT",
        value: (e) =>
          e.from_commit && e.to_commit
            ? `${shortCommit(e.from_commit)} → ${shortCommit(e.to_commit)}`
            : shortCommit(e.to_commit ?? e.from_commit ?? "") || "-",
      },
      { header: "DETAIL", value: (e) => e.detail ?? "" },
    ]),
  );
}
