import Link from "next/link";
import type { ModelSync } from "@/lib/api/model-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { ProgressBar } from "../ui/progress-bar";
import { formatDuration, type RateSample, secondsLeft } from "./download-rates";
import { modelPagePath } from "./model-links";
import { ReadyBadge } from "./ready-badge";

/**
 * The fleet's story of one model in a few lines, whatever the fleet's size: the badge,
 * "3 of 5 nodes ready", how many download, failed or cannot run it, and one progress bar
 * for all its downloads with speed and time left. Badge and counts come from one answer.
 */
export function ModelSyncSummary({ model, rate }: { model: ModelSync; rate?: RateSample }) {
  const { counts, sync } = model;
  const left = secondsLeft(rate);
  return (
    <div className="flex min-w-52 flex-col items-start gap-1" data-testid="sync-summary">
      <ReadyBadge sync={sync} counted={false} />
      {sync.nodes > 0 ? (
        <p className="text-xs text-zinc-600 tabular-nums dark:text-zinc-400" data-testid="nodes-ready">
          {sync.ready_nodes} of {sync.nodes} {sync.nodes === 1 ? "node" : "nodes"} ready
        </p>
      ) : (
        <p className="text-xs text-zinc-500 dark:text-zinc-400">No online node has reported it yet</p>
      )}
      <p className="flex flex-wrap gap-x-2 text-xs tabular-nums">
        {counts.downloading ? (
          <span className="text-sky-700 dark:text-sky-300" data-testid="count-downloading">
            {counts.downloading} downloading
          </span>
        ) : null}
        {counts.pending ? (
          <span className="text-zinc-600 dark:text-zinc-400" data-testid="count-pending">
            {counts.pending} pending
          </span>
        ) : null}
        {counts.error ? (
          <span className="text-red-700 dark:text-red-300" data-testid="count-error">
            {counts.error} failed
          </span>
        ) : null}
        {counts.unsupported ? (
          <span
            className="text-zinc-500 dark:text-zinc-400"
            data-testid="count-unsupported"
            title="No variant of this model fits these nodes: not an error"
          >
            {counts.unsupported} unsupported
          </span>
        ) : null}
      </p>
      {model.bytes_total > 0 ? (
        <div className="w-full space-y-0.5 text-xs">
          <ProgressBar value={model.bytes_done} max={model.bytes_total} label={`Download of ${model.name}`} />
          <p className="text-zinc-500 tabular-nums dark:text-zinc-400" data-testid="download-figures">
            {formatBytes(model.bytes_done)} of {formatBytes(model.bytes_total)}
            {rate?.rate ? ` · ${formatBytes(rate.rate)}/s` : ""}
            {left !== null ? ` · ${formatDuration(left)} left` : ""}
          </p>
        </div>
      ) : null}
      {sync.nodes > 0 ? (
        <Link
          href={modelPagePath(model.name)}
          className="text-xs text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
        >
          Per-node detail
        </Link>
      ) : null}
    </div>
  );
}

/** The summary, or a quiet placeholder while the row's first answer is on its way. */
export function ModelSyncCell({ model, rate }: { model: ModelSync | null; rate?: RateSample }) {
  if (model) return <ModelSyncSummary model={model} rate={rate} />;
  return (
    <span className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="sync-loading">
      Asking the nodes…
    </span>
  );
}
