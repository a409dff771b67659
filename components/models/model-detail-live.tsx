"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type ReactNode, useState } from "react";
import { deleteFromConsole } from "@/app/(console)/models/actions";
import type { NodesOverview, V1Model } from "@/lib/api/model-schemas";
import { ApiRequestError } from "../data/fetcher";
import { useModel } from "../data/use-model";
import { useNodes } from "../data/use-nodes";
import { BannerList, useBanners } from "../ui/banners";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { NodeStatesTable } from "./node-states-table";
import { ReadyBadge } from "./ready-badge";

export function ModelDetailLive({
  initialModel,
  initialNodes,
  isAdmin,
  facts,
  children,
}: {
  initialModel: V1Model;
  initialNodes: NodesOverview;
  isAdmin: boolean;
  facts: ReactNode;
  children: ReactNode;
}) {
  const router = useRouter();
  const name = initialModel.id;
  const model = useModel(name, initialModel);
  const gone = model.error instanceof ApiRequestError && model.error.status === 404;
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
        {model.data && !gone ? <ReadyBadge model={model.data} /> : null}
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
