import Link from "next/link";
import type { NodeOverview } from "@/lib/api/model-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { RelativeTime } from "../ui/relative-time";

export function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-0.5 text-sm break-words">{children}</dd>
    </div>
  );
}

export function NodeCard({ node, onForget }: { node: NodeOverview; onForget?: (node: NodeOverview) => void }) {
  // Counted by the server: the nodes page polls the summary, whose `models` is empty.
  const downloading = node.models_downloading;
  const errors = node.models_error;
  return (
    <li
      data-testid="node-card"
      data-node={node.name}
      className="rounded-xl border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="mr-auto font-semibold break-all">
          <Link
            href={`/nodes/${node.id}`}
            className="text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
          >
            {node.name}
          </Link>
        </h2>
        {node.online ? (
          <Badge tone="green">
            <span aria-hidden className="size-1.5 rounded-full bg-current" /> online
          </Badge>
        ) : (
          <Badge tone="gray">offline</Badge>
        )}
        {onForget ? (
          <Button variant="dangerGhost" size="sm" onClick={() => onForget(node)} aria-label={`Forget ${node.name}`}>
            Forget
          </Button>
        ) : null}
      </div>
      <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
        Last seen <RelativeTime date={node.last_seen_at} />
        {node.agent_version ? ` · agent ${node.agent_version}` : null}
      </p>
      <dl className="mt-4 grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-3">
        <Stat label="Models ready">
          <span className="font-semibold tabular-nums" data-testid="models-ready">
            {node.models_ready} / {node.models_registered}
          </span>
          {downloading ? <span className="text-sky-700 dark:text-sky-300"> · {downloading} downloading</span> : null}
          {errors ? <span className="text-red-700 dark:text-red-300"> · {errors} failed</span> : null}
        </Stat>
        <Stat label="Free disk">{node.free_disk_bytes == null ? "—" : formatBytes(node.free_disk_bytes)}</Stat>
        <Stat label="Memory">{node.memory_bytes == null ? "—" : formatBytes(node.memory_bytes)}</Stat>
        <Stat label="Runtimes">{node.runtimes.length ? node.runtimes.join(", ") : "—"}</Stat>
        <Stat label="Formats">
          <span className="flex flex-wrap gap-1">
            {node.formats.map((f) => (
              <Badge key={f}>{f}</Badge>
            ))}
          </span>
        </Stat>
        <Stat label="GPUs">
          {node.gpus.length ? (
            <ul>
              {node.gpus.map((g, i) => (
                // GPUs of one node often share a name; their order is stable.
                // biome-ignore lint/suspicious/noArrayIndexKey: see above
                <li key={i}>
                  {g.name} · {formatBytes(g.memory_bytes)}
                </li>
              ))}
            </ul>
          ) : (
            "none (CPU)"
          )}
        </Stat>
      </dl>
    </li>
  );
}
