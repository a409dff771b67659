import type { NodeOverview } from "@/lib/api/model-schemas";
import { Card } from "../ui/card";
import { RelativeTime } from "../ui/relative-time";
import { NodeSyncChip } from "./node-sync-chips";

/** Every node's report for one model, with errors and when each state last changed. */
export function NodeStatesTable({ modelName, nodes }: { modelName: string; nodes: NodeOverview[] }) {
  const reports = nodes.flatMap((node) => {
    const state = node.models.find((m) => m.name === modelName);
    return state ? [{ node, state }] : [];
  });
  return (
    <Card>
      <h2 className="text-base font-semibold">On the nodes</h2>
      {reports.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
          No node has reported this model yet. Nodes pick up new registrations within one 5-second sync.
        </p>
      ) : (
        <ul className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {reports.map(({ node, state }) => (
            <NodeSyncChip
              key={node.id}
              node={node}
              state={state}
              modelName={modelName}
              footer={
                <p className="text-zinc-500 dark:text-zinc-400">
                  updated <RelativeTime date={state.updated_at} />
                </p>
              }
            />
          ))}
        </ul>
      )}
    </Card>
  );
}
