"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useId, useMemo, useState } from "react";
import { deleteFromConsole } from "@/app/(console)/models/actions";
import type { ModelSyncList, UpstreamNotice, V1List } from "@/lib/api/model-schemas";
import { removeOptimistically } from "../data/remove-optimistically";
import { useModelSync } from "../data/use-model-sync";
import { useModels } from "../data/use-models";
import { BannerList, useBanners } from "../ui/banners";
import { EmptyState } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { Select, TextInput } from "../ui/field";
import { LiveStatus } from "../ui/live-status";
import { Pager, usePage } from "../ui/pager";
import {
  applyView,
  formatChoices,
  isFiltered,
  type ListView,
  readView,
  sortChoices,
  stateChoices,
  writeView,
} from "./model-list-view";
import { ModelsTable } from "./models-table";
import { RegisterForm } from "./register-form";

const withoutModel = (name: string) => (current?: V1List) => ({
  object: "list" as const,
  data: (current?.data ?? []).filter((m) => m.id !== name),
});

export function ModelsConsole({
  initialModels,
  initialTotal,
  initialSync,
  isAdmin,
  hubUrl,
  upstream,
}: {
  /** The first page only, so a registry of 10,000 models is not all in the first HTML. */
  initialModels: V1List;
  initialTotal: number;
  initialSync: ModelSyncList;
  isAdmin: boolean;
  hubUrl: string;
  /** Models whose upstream moved or went away (as the page was rendered). */
  upstream: Record<string, UpstreamNotice>;
}) {
  const searchId = useId();
  const models = useModels(initialModels);
  const { banners, push, dismiss, clear } = useBanners();
  // The view lives in the URL, so a filtered list can be shared; typing updates it in place.
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [view, setViewState] = useState<ListView>(() => readView(new URLSearchParams(params?.toString() ?? "")));
  const setView = (change: Partial<ListView>) => {
    const next = { ...view, ...change };
    setViewState(next);
    router.replace(`${pathname}${writeView(next)}`, { scroll: false });
  };
  const [confirming, setConfirming] = useState<string | null>(null);
  const refreshModels = useCallback(() => void models.mutate(), [models.mutate]);

  // Until the first poll answers, the server's first page stands for the whole list.
  const firstPageOnly = models.data === initialModels && initialTotal > initialModels.data.length;
  const all = models.data?.data ?? [];
  const shown = applyView(all, view);
  const page = usePage(shown, writeView(view));
  // Rows summarize the fleet per model (counts and bytes), never one entry per node, and
  // only the rows shown are polled: at 10,000 models the whole answer is megabytes.
  const pageNames = page.rows.map((m) => m.id);
  const sync = useModelSync(pageNames, initialSync);
  const syncByName = useMemo(() => new Map((sync.data?.models ?? []).map((m) => [m.name, m])), [sync.data]);
  // A row whose answer is still on its way (a new page, a new registration) says so.
  const syncOf = useCallback((name: string) => syncByName.get(name) ?? null, [syncByName]);

  async function remove(name: string) {
    setConfirming(null);
    const answer = await removeOptimistically(models.mutate, withoutModel(name), () => deleteFromConsole(name));
    if (!answer.ok)
      return push({ tone: "error", title: `Could not delete ${name}`, body: answer.error, group: "delete" });
    push({
      tone: "success",
      title: `Deleted ${name}`,
      body: "Nodes drop its files on their next sync.",
      group: "delete",
    });
  }

  return (
    <div className="space-y-5">
      {isAdmin ? (
        <RegisterForm hubUrl={hubUrl} pushBanner={push} clearBanners={clear} onRegistered={refreshModels} />
      ) : null}
      <BannerList banners={banners} onDismiss={dismiss} />
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex w-full flex-col gap-2 sm:flex-row sm:flex-wrap sm:items-end lg:w-auto">
          <div className="w-full sm:w-72">
            <label htmlFor={searchId} className="sr-only">
              Search models by name
            </label>
            <TextInput
              id={searchId}
              type="search"
              placeholder="Search by name or repository"
              value={view.q}
              onChange={(e) => setView({ q: e.target.value })}
            />
          </div>
          <ChoiceSelect
            label="State"
            width="sm:w-44"
            choices={stateChoices}
            value={view.state}
            onPick={(state) => setView({ state })}
          />
          <ChoiceSelect
            label="Format"
            width="sm:w-44"
            choices={formatChoices}
            value={view.format}
            onPick={(format) => setView({ format })}
          />
          <ChoiceSelect
            label="Sort"
            width="sm:w-56"
            choices={sortChoices}
            value={view.sort}
            onPick={(sort) => setView({ sort })}
          />
        </div>
        <LiveStatus
          error={models.error ?? sync.error}
          label={`${(firstPageOnly ? initialTotal : all.length).toLocaleString("en-US")} registered`}
        />
      </div>
      {all.length === 0 ? (
        <EmptyState title="No models registered yet">
          {isAdmin
            ? "Paste a Hugging Face link above — a repository such as https://huggingface.co/owner/repo, one file of it, or owner/repo:Q4_K_M — then Check and Register. Nodes start syncing it within seconds."
            : "An admin registers models by pasting a Hugging Face link; they will show up here with their sync state."}
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState title={view.q.trim() ? `No model matches “${view.q.trim()}”` : "No model matches these filters"}>
          {isFiltered(view)
            ? "Search looks at the name, display name and repository; the filters at state and format."
            : null}
        </EmptyState>
      ) : (
        <>
          <ModelsTable
            models={page.rows}
            syncOf={syncOf}
            rates={sync.rates}
            hubUrl={hubUrl}
            upstream={upstream}
            onDelete={isAdmin ? setConfirming : undefined}
          />
          {firstPageOnly ? null : <Pager {...page} shown={page.rows.length} label="models" />}
        </>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={`Delete ${confirming ?? ""}?`}
        confirmLabel="Delete model"
        onConfirm={() => confirming && remove(confirming)}
        onClose={() => setConfirming(null)}
      >
        It disappears from every listing at once, and nodes remove its files on their next sync. You can register it
        again later.
      </ConfirmDialog>
    </div>
  );
}

/** One of the list's view menus: its choices, the one shown, and what picking one does. */
function ChoiceSelect({
  label,
  width,
  choices,
  value,
  onPick,
}: {
  label: string;
  width: string;
  choices: readonly { value: string; label: string }[];
  value: string;
  onPick: (value: string) => void;
}) {
  return (
    <Select aria-label={label} className={width} value={value} onChange={(e) => onPick(e.target.value)}>
      {choices.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </Select>
  );
}
