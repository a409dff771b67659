import type { SyncSummary } from "@/lib/api/model-schemas";
import { Badge, type BadgeTone } from "../ui/badge";

const looks: Record<SyncSummary["state"], { tone: BadgeTone; label: string; title: string }> = {
  ready: { tone: "green", label: "Ready", title: "At least one online node has it fully synced" },
  syncing: { tone: "blue", label: "Syncing", title: "Not ready yet: nodes are downloading it" },
  error: { tone: "red", label: "Error", title: "Not ready: the nodes that tried report errors" },
  registered: { tone: "gray", label: "Not ready", title: "Registered; no online node has synced it yet" },
};

/**
 * A model's sync state as /v1/models reports it (its `ready` flag is `state === "ready"`),
 * with why it is not ready yet; `counted` adds "1/2 nodes ready" under it.
 */
export function ReadyBadge({ sync, counted = true }: { sync: SyncSummary; counted?: boolean }) {
  const look = looks[sync.state];
  return (
    <span className="inline-flex flex-col items-start gap-0.5">
      <span data-testid="ready-badge" data-ready={sync.state === "ready" ? "true" : "false"} title={look.title}>
        <Badge tone={look.tone}>
          <span aria-hidden className="size-1.5 rounded-full bg-current" />
          {look.label}
        </Badge>
      </span>
      {counted && sync.nodes > 0 ? (
        <span className="text-xs text-zinc-500 dark:text-zinc-400">
          {sync.ready_nodes}/{sync.nodes} nodes ready
        </span>
      ) : null}
    </span>
  );
}
