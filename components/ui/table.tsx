import type { ReactNode } from "react";
import { cn } from "./cn";

export type TableColumn = {
  /** The header text; for `srOnly` columns (row actions) it is read to screen readers only. */
  label: string;
  srOnly?: boolean;
  className?: string;
  /** A sortable column: its header is a button, and says how the rows are sorted now. */
  sort?: { direction: "ascending" | "descending" | "none"; onSort: () => void };
};

const sortMarks = { ascending: "↑", descending: "↓", none: "↕" } as const;

/**
 * The console's one table shell: a horizontally scrolling table with an uppercase header
 * row and divided body rows. `framed` gives it the card border of a page-level table;
 * unframed it sits inside a card. Rows (`children`) are the caller's.
 */
export function Table({
  columns,
  caption,
  framed = false,
  compact = false,
  className,
  wrapperClassName,
  headClassName,
  bodyClassName,
  children,
}: {
  columns: TableColumn[];
  /** Names the table for screen readers. */
  caption?: string;
  framed?: boolean;
  /** Tighter header cells, for a table inside a form. */
  compact?: boolean;
  className?: string;
  wrapperClassName?: string;
  headClassName?: string;
  bodyClassName?: string;
  children: ReactNode;
}) {
  return (
    <div
      className={cn(
        "relative overflow-x-auto",
        framed && "rounded-xl border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900",
        wrapperClassName,
      )}
    >
      <table className={cn("w-full text-left text-sm", className)}>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead
          className={cn(
            "text-xs text-zinc-500 uppercase dark:text-zinc-400",
            framed && "border-b border-zinc-200 dark:border-zinc-800",
            headClassName,
          )}
        >
          <tr>
            {columns.map((column) => (
              <th
                key={column.label}
                aria-sort={column.sort?.direction}
                className={cn(compact ? "py-1 pr-4" : "px-3 py-2", "font-medium", column.className)}
              >
                {column.srOnly ? (
                  <span className="sr-only">{column.label}</span>
                ) : column.sort ? (
                  <button
                    type="button"
                    onClick={column.sort.onSort}
                    className="inline-flex items-center gap-1 uppercase hover:text-zinc-900 dark:hover:text-zinc-100"
                  >
                    {column.label}
                    <span aria-hidden className={cn(column.sort.direction === "none" && "opacity-40")}>
                      {sortMarks[column.sort.direction]}
                    </span>
                  </button>
                ) : (
                  column.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={cn("divide-y divide-zinc-100 dark:divide-zinc-800", bodyClassName)}>{children}</tbody>
      </table>
    </div>
  );
}

/** The cell of a framed page-level table row (keys, users). */
export const rowCell = "px-3 py-2.5 align-middle";
