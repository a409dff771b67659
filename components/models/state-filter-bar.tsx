"use client";

import { useId } from "react";
import type { NodeModelStatus } from "@/lib/api/model-schemas";
import { Select, TextInput } from "../ui/field";
import { states } from "./node-state-look";

export type StateFilter = NodeModelStatus["state"] | "";

/**
 * The filter above a table of per-node model states (the model page's nodes, the node
 * page's models): by name, by state, and how many rows it keeps.
 */
export function StateFilterBar({
  noun,
  query,
  onQuery,
  only,
  onOnly,
  shown,
  total,
}: {
  /** What the rows are: "nodes" or "models". */
  noun: "nodes" | "models";
  query: string;
  onQuery: (query: string) => void;
  only: StateFilter;
  onOnly: (state: StateFilter) => void;
  shown: number;
  total: number;
}) {
  const searchId = useId();
  const stateId = useId();
  const singular = noun === "nodes" ? "node" : "model";
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="w-full max-w-xs">
        <label htmlFor={searchId} className="sr-only">
          Filter {noun} by name
        </label>
        <TextInput
          id={searchId}
          type="search"
          placeholder={`Filter by ${singular} name`}
          value={query}
          onChange={(e) => onQuery(e.target.value)}
        />
      </div>
      <div className="w-48">
        <label htmlFor={stateId} className="sr-only">
          Filter {noun} by state
        </label>
        <Select id={stateId} value={only} onChange={(e) => onOnly(e.target.value as StateFilter)}>
          <option value="">Every state</option>
          {states.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
      </div>
      <p className="text-sm text-zinc-500 tabular-nums dark:text-zinc-400">
        {shown} of {total} {noun}
      </p>
    </div>
  );
}
