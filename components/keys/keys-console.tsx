"use client";

import { useState } from "react";
import { revokeKeyFromConsole } from "@/app/(console)/keys/actions";
import type { ApiKey, ApiKeyList } from "@/lib/api/schemas";
import { removeOptimistically } from "../data/remove-optimistically";
import { useKeys } from "../data/use-keys";
import { Badge } from "../ui/badge";
import { BannerList, useBanners } from "../ui/banners";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { RelativeTime } from "../ui/relative-time";
import { rowCell, Table } from "../ui/table";
import { CreateKeyForm } from "./create-key-form";

const scopeTone = { admin: "red", node: "blue", reader: "gray" } as const;
const columns = [
  { label: "Name" },
  { label: "Scope" },
  { label: "Key" },
  { label: "Created" },
  { label: "Last used" },
  { label: "Actions", srOnly: true },
];

const withoutKey = (id: string) => (current?: ApiKeyList) => ({
  keys: (current?.keys ?? []).filter((k) => k.id !== id),
});

export function KeysConsole({ initialKeys }: { initialKeys: ApiKeyList }) {
  const keys = useKeys(initialKeys);
  const { banners, push, dismiss } = useBanners();
  const [confirming, setConfirming] = useState<ApiKey | null>(null);
  const list = keys.data?.keys ?? [];

  async function revoke(key: ApiKey) {
    setConfirming(null);
    const answer = await removeOptimistically(keys.mutate, withoutKey(key.id), () => revokeKeyFromConsole(key.id));
    if (!answer.ok) return push({ tone: "error", title: `Could not revoke “${key.name}”`, body: answer.error });
    push({ tone: "success", title: `Revoked “${key.name}”`, body: "Requests with it are refused from now on." });
  }

  return (
    <div className="space-y-5">
      <CreateKeyForm pushBanner={push} onCreated={() => void keys.mutate()} />
      <BannerList banners={banners} onDismiss={dismiss} />
      {list.length === 0 ? (
        <EmptyState title="No API keys">Create one above for each node, script or app.</EmptyState>
      ) : (
        <Table framed caption="API keys" columns={columns} className="min-w-[40rem]">
          {list.map((k) => (
            <tr key={k.id} data-testid="key-row" data-key-name={k.name}>
              <td className={`${rowCell} font-medium`}>{k.name}</td>
              <td className={rowCell}>
                <Badge tone={scopeTone[k.scope]}>{k.scope}</Badge>
              </td>
              <td className={`${rowCell} font-mono text-xs text-zinc-500 dark:text-zinc-400`}>{k.prefix}…</td>
              <td className={`${rowCell} whitespace-nowrap`}>
                <RelativeTime date={k.created_at} />
              </td>
              <td className={`${rowCell} whitespace-nowrap`}>
                {k.last_used_at ? <RelativeTime date={k.last_used_at} /> : "never"}
              </td>
              <td className={`${rowCell} text-right`}>
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
        </Table>
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
