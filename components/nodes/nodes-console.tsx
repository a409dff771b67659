"use client";

import { useId, useState } from "react";
import { forgetNodeFromConsole } from "@/app/(console)/nodes/actions";
import type { NodeOverview, NodesOverview } from "@/lib/api/model-schemas";
import { removeOptimistically } from "../data/remove-optimistically";
import { useNodes } from "../data/use-nodes";
import { BannerList, useBanners } from "../ui/banners";
import { EmptyState } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { TextInput } from "../ui/field";
import { LiveStatus } from "../ui/live-status";
import { Pager, usePage } from "../ui/pager";
import { NodeCard } from "./node-card";

const withoutNode = (id: string) => (current?: NodesOverview) => ({
  nodes: (current?.nodes ?? []).filter((n) => n.id !== id),
});

export function NodesConsole({ initialNodes, isAdmin }: { initialNodes: NodesOverview; isAdmin: boolean }) {
  // The cards show counts only: no per-model list to poll.
  const nodes = useNodes({ summary: true }, initialNodes);
  const { banners, push, dismiss } = useBanners();
  const [confirming, setConfirming] = useState<NodeOverview | null>(null);
  const searchId = useId();
  const [query, setQuery] = useState("");
  const list = nodes.data?.nodes ?? [];
  const online = list.filter((n) => n.online).length;
  const q = query.trim().toLowerCase();
  const shown = q ? list.filter((n) => n.name.toLowerCase().includes(q)) : list;
  const page = usePage(shown, q);

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
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="w-full max-w-sm">
          <label htmlFor={searchId} className="sr-only">
            Search nodes by name
          </label>
          <TextInput
            id={searchId}
            type="search"
            placeholder="Search by node name"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
        <LiveStatus error={nodes.error} label={`${online} of ${list.length} online`} />
      </div>
      {list.length === 0 ? (
        <EmptyState title="No node has announced itself yet">
          Start one with <code className="font-mono">llmlb node run</code> and a node API key (create one on the API
          keys page); it appears here within seconds.
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState title={`No node matches “${query}”`}>Search looks at the node's name.</EmptyState>
      ) : (
        <>
          <ul className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
            {page.rows.map((node) => (
              <NodeCard key={node.id} node={node} onForget={isAdmin ? setConfirming : undefined} />
            ))}
          </ul>
          <Pager {...page} shown={page.rows.length} label="nodes" />
        </>
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
