"use client";

import { useState } from "react";
import { forgetNodeFromConsole } from "@/app/(console)/nodes/actions";
import type { NodeOverview, NodesOverview } from "@/lib/api/model-schemas";
import { useNodes } from "../data/use-nodes";
import { BannerList, useBanners } from "../ui/banners";
import { EmptyState } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { LiveStatus } from "../ui/live-status";
import { NodeCard } from "./node-card";

class ForgetRefused extends Error {}

export function NodesConsole({ initialNodes, isAdmin }: { initialNodes: NodesOverview; isAdmin: boolean }) {
  // The cards show counts only: no per-model list to poll.
  const nodes = useNodes({ summary: true }, initialNodes);
  const { banners, push, dismiss } = useBanners();
  const [confirming, setConfirming] = useState<NodeOverview | null>(null);
  const list = nodes.data?.nodes ?? [];
  const online = list.filter((n) => n.online).length;

  async function forget(node: NodeOverview) {
    setConfirming(null);
    const without = (current: NodesOverview | undefined): NodesOverview => ({
      nodes: (current?.nodes ?? []).filter((n) => n.id !== node.id),
    });
    try {
      await nodes.mutate(
        async (current) => {
          const answer = await forgetNodeFromConsole(node.id);
          if (!answer.ok) throw new ForgetRefused(answer.error);
          return without(current);
        },
        { optimisticData: without, rollbackOnError: true, revalidate: true },
      );
      push({
        tone: "success",
        title: `Forgot ${node.name}`,
        body: "If it is still running, it appears again at its next announcement.",
      });
    } catch (error) {
      push({
        tone: "error",
        title: `Could not forget ${node.name}`,
        body: error instanceof Error ? error.message : String(error),
      });
    }
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
