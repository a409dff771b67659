"use client";

import Link from "next/link";
import type { NodeOverview } from "@/lib/api/model-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { ApiRequestError } from "../data/fetcher";
import { useNode } from "../data/use-node";
import { Badge } from "../ui/badge";
import { Card, EmptyState } from "../ui/card";
import { LiveStatus } from "../ui/live-status";
import { RelativeTime } from "../ui/relative-time";
import { Stat } from "./node-card";
import { NodeModelsTable } from "./node-models-table";

/** One node: its hardware and facts, and every model it reports, kept live. */
export function NodeDetailLive({ initialNode }: { initialNode: NodeOverview }) {
  const live = useNode(initialNode.id, initialNode);
  const gone = live.error instanceof ApiRequestError && live.error.status === 404;
  const node = live.data ?? initialNode;
  return (
    <>
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="text-sm">
            <Link href="/nodes" className="text-indigo-700 hover:underline dark:text-indigo-300">
              ← Nodes
            </Link>
          </p>
          <h1 className="mt-1 text-2xl font-semibold tracking-tight break-all">{node.name}</h1>
          <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
            Last seen <RelativeTime date={node.last_seen_at} />
            {node.agent_version ? ` · agent ${node.agent_version}` : null} · announced{" "}
            <RelativeTime date={node.created_at} />
          </p>
        </div>
        {node.online ? (
          <Badge tone="green">
            <span aria-hidden className="size-1.5 rounded-full bg-current" /> online
          </Badge>
        ) : (
          <Badge tone="gray">offline</Badge>
        )}
      </div>
      {gone ? (
        <EmptyState title="This node has been forgotten">
          Its reports are gone.{" "}
          <Link href="/nodes" className="underline">
            Back to the nodes
          </Link>
        </EmptyState>
      ) : (
        <>
          <Card>
            <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="node-facts">
              <Stat label="Models ready">
                <span className="font-semibold tabular-nums">
                  {node.models_ready} / {node.models_registered}
                </span>
              </Stat>
              <Stat label="Free disk">{node.free_disk_bytes == null ? "—" : formatBytes(node.free_disk_bytes)}</Stat>
              <Stat label="Memory">{node.memory_bytes == null ? "—" : formatBytes(node.memory_bytes)}</Stat>
              <Stat label="Runtimes">{node.runtimes.length ? node.runtimes.join(", ") : "—"}</Stat>
              <Stat label="Formats">{node.formats.length ? node.formats.join(", ") : "—"}</Stat>
              <Stat label="GPUs">
                {node.gpus.length
                  ? node.gpus.map((g) => `${g.name} · ${formatBytes(g.memory_bytes)}`).join(", ")
                  : "none (CPU)"}
              </Stat>
            </dl>
          </Card>
          <LiveStatus error={gone ? undefined : live.error} label={`${node.models.length} models reported`} />
          <NodeModelsTable node={node} />
        </>
      )}
    </>
  );
}
