"use client";

import { useState } from "react";
import { revokeKeyFromConsole } from "@/app/(console)/keys/actions";
import type { ApiKey, ApiKeyList } from "@/lib/api/schemas";
import { useKeys } from "../data/use-keys";
import { Badge } from "../ui/badge";
import { BannerList, useBanners } from "../ui/banners";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { RelativeTime } from "../ui/relative-time";
import { CreateKeyForm } from "./create-key-form";

class RevokeRefused extends Error {}

const scopeTone = { admin: "red", node: "blue", reader: "gray" } as const;
const td = "px-3 py-2.5 align-middle";

export function KeysConsole({ initialKeys }: { initialKeys: ApiKeyList }) {
  const keys = useKeys(initialKeys);
  const { banners, push, dismiss } = useBanners();
  const [confirming, setConfirming] = useState<ApiKey | null>(null);
  const list = keys.data?.keys ?? [];

  async function revoke(key: ApiKey) {
    setConfirming(null);
    const without = (current: ApiKeyList | undefined): ApiKeyList => ({
      keys: (current?.keys ?? []).filter((k) => k.id !== key.id),
    });
    try {
      await keys.mutate(
        async (current) => {
          const answer = await revokeKeyFromConsole(key.id);
          if (!answer.ok) throw new RevokeRefused(answer.error);
          return without(current);
        },
        { optimisticData: without, rollbackOnError: true, revalidate: true },
      );
      push({ tone: "success", title: `Revoked “${key.name}”`, body: "Requests with it are refused from now on." });
    } catch (error) {
      push({
        tone: "error",
        title: `Could not revoke “${key.name}”`,
        body: error instanceof Error ? error.message : String(error),
      });
    }
  }

  return (
    <div className="space-y-5">
      <CreateKeyForm pushBanner={push} onCreated={() => void keys.mutate()} />
      <BannerList banners={banners} onDismiss={dismiss} />
      {list.length === 0 ? (
        <EmptyState title="No API keys">Create one above for each node, script or app.</EmptyState>
      ) : (
        <div className="relative overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
          <table className="w-full min-w-[40rem] text-left text-sm">
            <caption className="sr-only">API keys</caption>
            <thead className="border-b border-zinc-200 text-xs text-zinc-500 uppercase dark:border-zinc-800 dark:text-zinc-400">
              <tr>
                <th className="px-3 py-2 font-medium">Name</th>
                <th className="px-3 py-2 font-medium">Scope</th>
                <th className="px-3 py-2 font-medium">Key</th>
                <th className="px-3 py-2 font-medium">Created</th>
                <th className="px-3 py-2 font-medium">Last used</th>
                <th className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {list.map((k) => (
                <tr key={k.id} data-testid="key-row" data-key-name={k.name}>
                  <td className={`${td} font-medium`}>{k.name}</td>
                  <td className={td}>
                    <Badge tone={scopeTone[k.scope]}>{k.scope}</Badge>
                  </td>
                  <td className={`${td} font-mono text-xs text-zinc-500 dark:text-zinc-400`}>{k.prefix}…</td>
                  <td className={`${td} whitespace-nowrap`}>
                    <RelativeTime date={k.created_at} />
                  </td>
                  <td className={`${td} whitespace-nowrap`}>
                    {k.last_used_at ? <RelativeTime date={k.last_used_at} /> : "never"}
                  </td>
                  <td className={`${td} text-right`}>
                    <Button
                      variant="dangerGhost"
                      size="sm"
                      onClick={() => setConfirming(k)}
                      aria-label={`Revoke ${k.name}`}
                    >
                      Revoke
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={`Revoke “${confirming?.name ?? ""}”?`}
        confirmLabel="Revoke key"
        onConfirm={() => confirming && revoke(confirming)}
        onClose={() => setConfirming(null)}
      >
        Anything using this key (a node, a script) is refused from its next request.
      </ConfirmDialog>
    </div>
  );
}
