import type { NodeModelStatus, NodeOverview } from "@/lib/api/model-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { cn } from "../ui/cn";
import { ProgressBar } from "../ui/progress-bar";
import { RelativeTime } from "../ui/relative-time";

const stateLabel: Record<NodeModelStatus["state"], string> = {
  pending: "pending",
  downloading: "downloading",
  ready: "ready",
  error: "error",
  unsupported: "unsupported",
};

const stateClass: Record<NodeModelStatus["state"], string> = {
  pending: "text-zinc-600 dark:text-zinc-400",
  downloading: "text-sky-700 dark:text-sky-300",
  ready: "text-emerald-700 dark:text-emerald-300",
  error: "text-red-700 dark:text-red-300",
  unsupported: "text-zinc-500 dark:text-zinc-400",
};

/** One chip per node that reported this model: its state, download progress, error, staleness. */
export function NodeSyncChips({ modelName, nodes }: { modelName: string; nodes: NodeOverview[] }) {
  const reports = nodes.flatMap((node) => {
    const state = node.models.find((m) => m.name === modelName);
    return state ? [{ node, state }] : [];
  });
  if (!reports.length)
    return <span className="text-xs text-zinc-500 dark:text-zinc-400">No node has reported it yet</span>;
  return (
    <ul className="flex min-w-48 flex-col gap-1.5" aria-label={`Sync state of ${modelName} per node`}>
      {reports.map(({ node, state }) => (
        <NodeSyncChip key={node.id} node={node} state={state} modelName={modelName} />
      ))}
    </ul>
  );
}

export function NodeSyncChip({
  node,
  state,
  modelName,
  footer,
}: {
  node: NodeOverview;
  state: NodeModelStatus;
  modelName: string;
  footer?: React.ReactNode;
}) {
  return (
    <li
      data-testid="node-chip"
      data-node={node.name}
      data-state={state.state}
      className={cn(
        "rounded-md border border-zinc-200 px-2 py-1 text-xs dark:border-zinc-700",
        !node.online && "border-dashed opacity-70",
      )}
    >
      <div className="flex items-center justify-between gap-2">
        <span className="truncate font-medium">{node.name}</span>
        <span className={cn("font-medium", stateClass[state.state])}>{stateLabel[state.state]}</span>
      </div>
      {state.state === "downloading" && state.bytes_total ? (
        <div className="mt-1 space-y-0.5">
          <ProgressBar
            value={state.bytes_done ?? 0}
            max={state.bytes_total}
            label={`${node.name}: download of ${modelName}`}
          />
          <p className="text-zinc-500 tabular-nums dark:text-zinc-400">
            {formatBytes(state.bytes_done ?? 0)} of {formatBytes(state.bytes_total)}
          </p>
        </div>
      ) : null}
      {state.state === "ready" && state.variant ? (
        <p className="font-mono text-zinc-500 dark:text-zinc-400">{state.variant}</p>
      ) : null}
      {state.error ? (
        <p className="mt-0.5 break-words text-red-700 dark:text-red-300">
          {state.error.code}: {state.error.message}
        </p>
      ) : state.state === "unsupported" ? (
        <p className="text-zinc-500 dark:text-zinc-400">No variant fits this node.</p>
      ) : null}
      {!node.online ? (
        <p className="text-zinc-500 dark:text-zinc-400">
          offline · last seen <RelativeTime date={node.last_seen_at} />
        </p>
      ) : null}
      {footer}
    </li>
  );
}
