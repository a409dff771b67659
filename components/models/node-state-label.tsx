import type { NodeModelStatus } from "@/lib/api/model-schemas";
import { cn } from "../ui/cn";
import { describeStateReason, reasonClass, stateClass } from "./node-state-look";

/** A node's state for one model and, below it, the one-line reason an error or an unsupported model has. */
export function NodeStateLabel({
  status,
  children,
}: {
  status: Pick<NodeModelStatus, "state" | "error">;
  /** Shown between the state and its reason (the model page puts the variant there). */
  children?: React.ReactNode;
}) {
  const reason = describeStateReason(status);
  return (
    <>
      <span className={cn("font-medium", stateClass[status.state])}>{status.state}</span>
      {children}
      {reason ? (
        <p
          data-testid="state-reason"
          data-tone={reason.tone}
          className={cn("max-w-md text-xs break-words", reasonClass[reason.tone])}
        >
          {reason.text}
        </p>
      ) : null}
    </>
  );
}
