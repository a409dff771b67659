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

export interface StateReason {
  text: string;
  /** An error is something to act on; a node that cannot run the model is in a normal state. */
  tone: "error" | "neutral";
}

/** Said when an agent gave no message of its own. */
const unsupportedFallback: Record<string, string> = {
  too_large: "does not fit this node's memory",
  unsupported: "no variant in a format this node loads",
};

/**
 * Why a node is where it is, in one line: an error with its code (what to look up), an
 * unsupported model with the agent's reason alone (its code would repeat the state).
 */
export function describeStateReason(status: Pick<NodeModelStatus, "state" | "error">): StateReason | null {
  const { state, error } = status;
  if (state === "unsupported") {
    const text = error?.message || unsupportedFallback[error?.code ?? "unsupported"] || unsupportedFallback.unsupported;
    return { text, tone: "neutral" };
  }
  if (!error) return null;
  return { text: error.message ? `${error.code}: ${error.message}` : error.code, tone: "error" };
}

export const reasonClass: Record<StateReason["tone"], string> = {
  error: "text-red-700 dark:text-red-300",
  neutral: "text-zinc-500 dark:text-zinc-400",
};
