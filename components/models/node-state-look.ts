import type { NodeModelStatus } from "@/lib/api/model-schemas";

type State = NodeModelStatus["state"];

/** The states a node reports, in the order a filter lists them. */
export const states: State[] = ["ready", "downloading", "pending", "error", "unsupported"];

/** Sorting by state: ready first, then the way to it, then what will not get there. */
export const stateOrder: Record<State, number> = { ready: 0, downloading: 1, pending: 2, error: 3, unsupported: 4 };

/** Unsupported is neutral: the node cannot run any variant, nothing went wrong. */
export const stateClass: Record<State, string> = {
  pending: "text-zinc-600 dark:text-zinc-400",
  downloading: "text-sky-700 dark:text-sky-300",
  ready: "text-emerald-700 dark:text-emerald-300",
  error: "text-red-700 dark:text-red-300",
  unsupported: "text-zinc-500 dark:text-zinc-400",
};
