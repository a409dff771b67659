"use client";

import { useState } from "react";

export type SortDirection = "ascending" | "descending";

/**
 * Which column sorts a table and which way: a click on the sorting column turns it
 * around, a click on another sorts by that one, ascending.
 */
export function useSort<K extends string>(initial: K, initialDirection: SortDirection = "ascending") {
  const [sort, setSort] = useState<{ key: K; direction: SortDirection }>({
    key: initial,
    direction: initialDirection,
  });
  const header = (key: K) => ({
    direction: sort.key === key ? sort.direction : ("none" as const),
    onSort: () =>
      setSort((s) =>
        s.key === key
          ? { key, direction: s.direction === "ascending" ? "descending" : "ascending" }
          : { key, direction: "ascending" },
      ),
  });
  return { sort, header };
}

/** `rows` sorted by `value` (numbers as numbers, text by locale), the other way for descending. */
export function sortRows<T>(rows: T[], value: (row: T) => string | number, direction: SortDirection): T[] {
  const sign = direction === "ascending" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return sign * order;
  });
}
