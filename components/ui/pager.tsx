"use client";

import { useEffect, useState } from "react";
import { Button } from "./button";
import { pageSize } from "./page-size";

/**
 * One page of `items`; back to the first page when `resetKey` (the search) changes, and
 * onto the last page that still exists when the list shrinks.
 */
export function usePage<T>(items: T[], resetKey: string) {
  const [page, setPage] = useState(1);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new search starts over on page 1
  useEffect(() => setPage(1), [resetKey]);
  const pageCount = Math.max(1, Math.ceil(items.length / pageSize));
  const current = Math.min(page, pageCount);
  const start = (current - 1) * pageSize;
  return { page: current, pageCount, setPage, start, rows: items.slice(start, start + pageSize), total: items.length };
}

/** "51–100 of 1,000" with Previous and Next; nothing when everything fits on one page. */
export function Pager({
  page,
  pageCount,
  start,
  shown,
  total,
  setPage,
  label,
}: {
  page: number;
  pageCount: number;
  start: number;
  shown: number;
  total: number;
  setPage: (page: number) => void;
  /** What is paged, for screen readers ("models", "nodes"). */
  label: string;
}) {
  if (pageCount <= 1) return null;
  return (
    <nav aria-label={`Pages of ${label}`} className="flex flex-wrap items-center justify-between gap-3 text-sm">
      <p className="text-zinc-600 tabular-nums dark:text-zinc-400" data-testid="pager-range">
        {(start + 1).toLocaleString("en-US")}–{(start + shown).toLocaleString("en-US")} of{" "}
        {total.toLocaleString("en-US")} · page {page} of {pageCount}
      </p>
      <div className="flex gap-2">
        <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          Previous
        </Button>
        <Button variant="secondary" size="sm" disabled={page >= pageCount} onClick={() => setPage(page + 1)}>
          Next
        </Button>
      </div>
    </nav>
  );
}
