"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import type { NodeModelStatus, NodeOverview } from "@/lib/api/model-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { Card } from "../ui/card";
import { cn } from "../ui/cn";
import { Pager, usePage } from "../ui/pager";
import { ProgressBar } from "../ui/progress-bar";
import { RelativeTime } from "../ui/relative-time";
import { sortRows, useSort } from "../ui/sorting";
import { Table } from "../ui/table";
import { NodeStateLabel } from "./node-state-label";
import { stateOrder } from "./node-state-look";
import { type StateFilter, StateFilterBar } from "./state-filter-bar";

type Report = { node: NodeOverview; state: NodeModelStatus };
type SortKey = "node" | "state" | "progress" | "updated";

const td =
  "px-3 py-2.5 align-top max-md:block max-md:p-0 max-md:before:block max-md:before:text-xs max-md:before:text-zinc-500 max-md:before:content-[attr(data-label)] dark:max-md:before:text-zinc-400";

/** How far along a node is: ready is all the way, a download its fraction, the rest nothing. */
function progressOf(s: NodeModelStatus): number {
  if (s.state === "ready") return 1;
  return s.state === "downloading" && s.bytes_total ? (s.bytes_done ?? 0) / s.bytes_total : 0;
}

const sortValue: Record<SortKey, (r: Report) => string | number> = {
  node: (r) => r.node.name,
  state: (r) => stateOrder[r.state.state],
  progress: (r) => progressOf(r.state),
  updated: (r) => Date.parse(r.state.updated_at),
};

/** Every node's report for one model: sortable by node, state, progress and last change; filtered by state and name. */
export function NodeStatesTable({ modelName, nodes }: { modelName: string; nodes: NodeOverview[] }) {
  const [query, setQuery] = useState("");
  const [only, setOnly] = useState<StateFilter>("");
  const { sort, header } = useSort<SortKey>("node");
  const reports = useMemo(
    () =>
      nodes.flatMap((node) => {
        const state = node.models.find((m) => m.name === modelName);
        return state ? [{ node, state }] : [];
      }),
    [nodes, modelName],
  );
  const q = query.trim().toLowerCase();
  const shown = sortRows(
    reports.filter((r) => (!only || r.state.state === only) && (!q || r.node.name.toLowerCase().includes(q))),
    sortValue[sort.key],
    sort.direction,
  );
  const page = usePage(shown, `${q}\n${only}`);

  return (
    <Card>
      <h2 className="text-base font-semibold">On the nodes</h2>
      {reports.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
          No node has reported this model yet. Nodes pick up new registrations within one 5-second sync.
        </p>
      ) : (
        <div className="mt-3 space-y-3">
          <StateFilterBar
            noun="nodes"
            query={query}
            onQuery={setQuery}
            only={only}
            onOnly={setOnly}
            shown={shown.length}
            total={reports.length}
          />
          {shown.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">No node matches this filter.</p>
          ) : (
            <Table
              caption={`Nodes reporting ${modelName}`}
              columns={[
                { label: "Node", sort: header("node") },
                { label: "State", sort: header("state") },
                { label: "Progress", sort: header("progress") },
                { label: "Last change", sort: header("updated") },
              ]}
              className="max-md:block"
              headClassName="max-md:hidden"
              bodyClassName="max-md:block"
            >
              {page.rows.map(({ node, state }) => (
                <tr
                  key={node.id}
                  data-testid="node-state-row"
                  data-node={node.name}
                  data-state={state.state}
                  className="max-md:grid max-md:grid-cols-2 max-md:gap-x-4 max-md:gap-y-2 max-md:py-3"
                >
                  <td className={td} data-label="Node">
                    <Link
                      href={`/nodes/${node.id}`}
                      className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
                    >
                      {node.name}
                    </Link>
                    {!node.online ? (
                      <p className="text-xs text-zinc-500 dark:text-zinc-400">
                        offline · seen <RelativeTime date={node.last_seen_at} />
                      </p>
                    ) : null}
                  </td>
                  <td className={td} data-label="State">
                    <NodeStateLabel status={state}>
                      {state.variant ? (
                        <p className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{state.variant}</p>
                      ) : null}
                    </NodeStateLabel>
                  </td>
                  <td className={cn(td, "min-w-40")} data-label="Progress">
                    {state.state === "downloading" && state.bytes_total ? (
                      <div className="space-y-0.5 text-xs">
                        <ProgressBar
                          value={state.bytes_done ?? 0}
                          max={state.bytes_total}
                          label={`${node.name}: download of ${modelName}`}
                        />
                        <p className="text-zinc-500 tabular-nums dark:text-zinc-400">
                          {formatBytes(state.bytes_done ?? 0)} of {formatBytes(state.bytes_total)}
                        </p>
                      </div>
                    ) : state.state === "ready" ? (
                      <span className="text-xs text-zinc-500 dark:text-zinc-400">complete</span>
                    ) : (
                      <span className="text-xs text-zinc-500 dark:text-zinc-400">—</span>
                    )}
                  </td>
                  <td className={cn(td, "text-xs whitespace-nowrap")} data-label="Last change">
                    updated <RelativeTime date={state.updated_at} />
                  </td>
                </tr>
              ))}
            </Table>
          )}
          <Pager {...page} shown={page.rows.length} label="nodes" />
        </div>
      )}
    </Card>
  );
}
