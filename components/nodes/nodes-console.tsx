"use client";

import { useState } from "react";
import { forgetNodeFromConsole } from "@/app/(console)/nodes/actions";
import type { NodeOverview, NodesOverview } from "@/lib/api/model-schemas";
import { removeOptimistically } from "../data/remove-optimistically";
import { useNodes } from "../data/use-nodes";
import { BannerList, useBanners } from "../ui/banners";
import { EmptyState } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { LiveStatus } from "../ui/live-status";
import { NodeCard } from "./node-card";

const withoutNode = (id: string) => (current?: NodesOverview) => ({
  nodes: (current?.nodes ?? []).filter((n) => n.id !== id),
});

export function NodesConsole({ initialNodes, isAdmin }: { initialNodes: NodesOverview; isAdmin: boolean }) {
  // The cards show counts only: no per-model list to poll.
  const nodes = useNodes({ summary: true }, initialNodes);
  const { banners, push, dismiss } = useBanners();
  const [confirming, setConfirming] = useState<NodeOverview | null>(null);
  const list = nodes.data?.nodes ?? [];
  const online = list.filter((n) => n.online).length;

  async function forget(node: NodeOverview) {
    setConfirming(null);
    const answer = await removeOptimistically(nodes.mutate, withoutNode(node.id), () => forgetNodeFromConsole(node.id));
    if (!answer.ok) return push({ tone: "error", title: `Could not forget ${node.name}`, body: answer.error });
    push({
      tone: "success",
      title: `Forgot ${node.name}`,
      body: "If it is still running, it appears again at its next announcement.",
    });
  }

  return (
    <div className="space-y-4">
      <BannerList banners={banners} onDismiss={dismiss} />
      <LiveStatus error={nodes.error} label={`${online} of ${list.length} online`} />
      {list.length === 0 ? (
        <EmptyState title="No node has announced itself yet">
          Start one with <code className="font-mono">llmlb node run</code> and a node API key (create one on the API
          keys page); it appears here within seconds.
        </EmptyState>
      ) : (
        <ul className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
          {list.map((node) => (
            <NodeCard key={node.id} node={node} onForget={isAdmin ? setConfirming : undefined} />
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={`Forget ${confirming?.name ?? ""}?`}
        confirmLabel="Forget node"
        onConfirm={() => confirming && forget(confirming)}
        onClose={() => setConfirming(null)}
      >
        Its reported sync states are removed. The node's cached files stay on the machine.
      </ConfirmDialog>
    </div>
  );
}
