"use client";

import Link from "next/link";
import { useState } from "react";
import type { NodeModelStatus, NodeOverview } from "@/lib/api/model-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { modelPagePath } from "../models/model-links";
import { NodeStateLabel } from "../models/node-state-label";
import { stateOrder } from "../models/node-state-look";
import { type StateFilter, StateFilterBar } from "../models/state-filter-bar";
import { Card } from "../ui/card";
import { cn } from "../ui/cn";
import { Pager, usePage } from "../ui/pager";
import { RelativeTime } from "../ui/relative-time";
import { sortRows, useSort } from "../ui/sorting";
import { Table } from "../ui/table";

type SortKey = "model" | "state" | "disk" | "updated";

const td =
  "px-3 py-2.5 align-top max-md:block max-md:p-0 max-md:before:block max-md:before:text-xs max-md:before:text-zinc-500 max-md:before:content-[attr(data-label)] dark:max-md:before:text-zinc-400";

/** What the model takes on the node's disk now: all of a ready copy, the part downloaded so far. */
function bytesOnDisk(m: NodeModelStatus): number | null {
  return m.state === "ready" || m.state === "downloading" ? m.bytes_done : null;
}

const sortValue: Record<SortKey, (m: NodeModelStatus) => string | number> = {
  model: (m) => m.name,
  state: (m) => stateOrder[m.state],
  disk: (m) => bytesOnDisk(m) ?? -1,
  updated: (m) => Date.parse(m.updated_at),
};

/** The models one node reports: state, variant, bytes on disk, error, last change; sortable and filterable. */
export function NodeModelsTable({ node }: { node: NodeOverview }) {
  const [query, setQuery] = useState("");
  const [only, setOnly] = useState<StateFilter>("");
  const { sort, header } = useSort<SortKey>("model");
  const q = query.trim().toLowerCase();
  const shown = sortRows(
    node.models.filter((m) => (!only || m.state === only) && (!q || m.name.toLowerCase().includes(q))),
    sortValue[sort.key],
    sort.direction,
  );
  const page = usePage(shown, `${q}\n${only}`);

  return (
    <Card>
      <h2 className="text-base font-semibold">Models on this node</h2>
      {node.models.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
          This node has not reported any model yet: it does within one 5-second sync of a registration.
        </p>
      ) : (
        <div className="mt-3 space-y-3">
          <StateFilterBar
            noun="models"
            query={query}
            onQuery={setQuery}
            only={only}
            onOnly={setOnly}
            shown={shown.length}
            total={node.models.length}
          />
          {shown.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">No model matches this filter.</p>
          ) : (
            <Table
              caption={`Models on ${node.name}`}
              columns={[
                { label: "Model", sort: header("model") },
                { label: "State", sort: header("state") },
                { label: "Variant" },
                { label: "On disk", sort: header("disk"), className: "md:text-right" },
                { label: "Last change", sort: header("updated") },
              ]}
              className="max-md:block"
              headClassName="max-md:hidden"
              bodyClassName="max-md:block"
            >
              {page.rows.map((m) => {
                const disk = bytesOnDisk(m);
                return (
                  <tr
                    key={m.name}
                    data-testid="node-model-row"
                    data-model={m.name}
                    data-state={m.state}
                    className="max-md:grid max-md:grid-cols-2 max-md:gap-x-4 max-md:gap-y-2 max-md:py-3"
                  >
                    <td className={cn(td, "max-md:col-span-2")} data-label="Model">
                      <Link
                        href={modelPagePath(m.name)}
                        className="font-mono text-xs break-all text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
                      >
                        {m.name}
                      </Link>
                    </td>
                    <td className={td} data-label="State">
                      <NodeStateLabel status={m} />
                    </td>
                    <td className={cn(td, "font-mono text-xs")} data-label="Variant">
                      {m.variant ?? "—"}
                    </td>
                    <td className={cn(td, "whitespace-nowrap tabular-nums md:text-right")} data-label="On disk">
                      {disk == null ? "—" : formatBytes(disk)}
                      {m.state === "downloading" && m.bytes_total ? (
                        <span className="text-xs text-zinc-500 dark:text-zinc-400">
                          {" "}
                          of {formatBytes(m.bytes_total)}
                        </span>
                      ) : null}
                    </td>
                    <td className={cn(td, "text-xs whitespace-nowrap")} data-label="Last change">
                      <RelativeTime date={m.updated_at} />
                    </td>
                  </tr>
                );
              })}
            </Table>
          )}
          <Pager {...page} shown={page.rows.length} label="models" />
        </div>
      )}
    </Card>
  );
}
