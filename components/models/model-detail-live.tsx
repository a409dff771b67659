"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type ReactNode, useState } from "react";
import { deleteFromConsole } from "@/app/(console)/models/actions";
import type { ModelSyncList, NodesOverview, V1Model } from "@/lib/api/model-schemas";
import { ApiRequestError } from "../data/fetcher";
import { useModelSync } from "../data/use-model-sync";
import { useNodes } from "../data/use-nodes";
import { BannerList, useBanners } from "../ui/banners";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { ModelSyncSummary } from "./model-sync-summary";
import { NodeStatesTable } from "./node-states-table";

export function ModelDetailLive({
  initialModel,
  initialSync,
  initialNodes,
  isAdmin,
  facts,
  children,
}: {
  initialModel: V1Model;
  initialSync: ModelSyncList;
  initialNodes: NodesOverview;
  isAdmin: boolean;
  facts: ReactNode;
  children: ReactNode;
}) {
  const router = useRouter();
  const name = initialModel.id;
  // The badge and the counts beside it come from one answer, as on the models list.
  const [gone, setGone] = useState(false);
  const sync = useModelSync(gone ? null : [name], initialSync);
  if (!gone && sync.error instanceof ApiRequestError && sync.error.status === 404) setGone(true);
  const summary = sync.data?.models[0];
  const nodes = useNodes(gone ? null : { model: name }, initialNodes);
  const { banners, push, dismiss } = useBanners();
  const [confirming, setConfirming] = useState(false);

  async function remove() {
    setConfirming(false);
    const answer = await deleteFromConsole(name);
    if (answer.ok) router.push("/models");
    else push({ tone: "error", title: `Could not delete ${name}`, body: answer.error });
  }

  return (
    <>
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="text-sm">
            <Link href="/models" className="text-indigo-700 hover:underline dark:text-indigo-300">
              ← Models
            </Link>
          </p>
          <h1 className="mt-1 text-2xl font-semibold tracking-tight break-words">{initialModel.display_name}</h1>
          <p className="font-mono text-sm break-all text-zinc-600 dark:text-zinc-400">{name}</p>
        </div>
        {summary && !gone ? <ModelSyncSummary model={summary} rate={sync.rates.get(summary.name)} /> : null}
        {isAdmin && !gone ? (
          <Button variant="danger" onClick={() => setConfirming(true)}>
            Delete
          </Button>
        ) : null}
      </div>
      <BannerList banners={banners} onDismiss={dismiss} />
      {gone ? (
        <EmptyState title="This model has been deleted">
          It no longer appears in any listing.{" "}
          <Link href="/models" className="underline">
            Back to the models
          </Link>
        </EmptyState>
      ) : (
        <>
          {facts}
          <NodeStatesTable modelName={name} nodes={nodes.data?.nodes ?? []} />
          {children}
        </>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Delete ${name}?`}
        confirmLabel="Delete model"
        onConfirm={remove}
        onClose={() => setConfirming(false)}
      >
        It disappears from every listing at once, and nodes remove its files on their next sync.
      </ConfirmDialog>
    </>
  );
}
