"use client";

import { type ReactNode, useCallback, useState } from "react";
import { focusRing } from "./button";
import { cn } from "./cn";

export type BannerTone = "success" | "error" | "warning";

export interface BannerMessage {
  id: number;
  tone: BannerTone;
  title: string;
  body?: ReactNode;
  /**
   * Results of one form or action: a new one replaces the last of its group (a form shows
   * the result of its latest submission), and `clear(group)` takes them away.
   */
  group?: string;
}

const toneClass: Record<BannerTone, string> = {
  success:
    "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/60 dark:text-emerald-100",
  error: "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100",
  warning: "border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-100",
};

const icons: Record<BannerTone, string> = { success: "✓", error: "!", warning: "!" };

let nextId = 1;

/** Messages kept: the newest is shown, the rest fold into "Earlier messages". */
const maxKept = 10;

/**
 * Banners stay until the person closes them: nothing here dismisses itself. The newest is
 * shown whole; earlier ones fold into a dismissible history, and a group keeps only its last.
 */
export function useBanners() {
  const [banners, setBanners] = useState<BannerMessage[]>([]);
  const push = useCallback((banner: Omit<BannerMessage, "id">) => {
    const id = nextId++;
    setBanners((list) =>
      [{ ...banner, id }, ...list.filter((b) => !banner.group || b.group !== banner.group)].slice(0, maxKept),
    );
  }, []);
  const dismiss = useCallback((id: number) => setBanners((list) => list.filter((b) => b.id !== id)), []);
  const clear = useCallback(
    (group?: string) => setBanners((list) => (group ? list.filter((b) => b.group !== group) : [])),
    [],
  );
  return { banners, push, dismiss, clear };
}

export type PushBanner = ReturnType<typeof useBanners>["push"];

export function BannerList({ banners, onDismiss }: { banners: BannerMessage[]; onDismiss: (id: number) => void }) {
  const [latest, ...earlier] = banners;
  return (
    <div aria-live="polite" className="space-y-2 empty:hidden">
      {latest ? <Banner banner={latest} onDismiss={onDismiss} /> : null}
      {earlier.length ? (
        <details
          className="rounded-lg border border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800"
          data-testid="banner-history"
        >
          <summary className="cursor-pointer text-zinc-600 select-none dark:text-zinc-400">
            Earlier messages ({earlier.length})
          </summary>
          <ul className="mt-2 space-y-1">
            {earlier.map((b) => (
              <li key={b.id} className="flex items-start gap-2" data-testid="banner-earlier" data-tone={b.tone}>
                <span
                  aria-hidden
                  className={cn("font-bold", b.tone === "error" ? "text-red-700 dark:text-red-300" : "")}
                >
                  {icons[b.tone]}
                </span>
                <span className="min-w-0 flex-1 break-words">{b.title}</span>
                <button
                  type="button"
                  onClick={() => onDismiss(b.id)}
                  aria-label={`Dismiss “${b.title}”`}
                  className={cn("rounded px-1 opacity-70 hover:opacity-100", focusRing)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className={cn("mt-2 text-xs text-indigo-700 hover:underline dark:text-indigo-300", focusRing)}
            onClick={() => {
              for (const b of earlier) onDismiss(b.id);
            }}
          >
            Clear all
          </button>
        </details>
      ) : null}
    </div>
  );
}

function Banner({ banner: b, onDismiss }: { banner: BannerMessage; onDismiss: (id: number) => void }) {
  return (
    <div
      role={b.tone === "error" ? "alert" : "status"}
      data-testid="banner"
      data-tone={b.tone}
      className={cn("flex items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-sm", toneClass[b.tone])}
    >
      <span aria-hidden className="mt-0.5 font-bold">
        {icons[b.tone]}
      </span>
      <div className="min-w-0 flex-1 break-words">
        <p className="font-semibold">{b.title}</p>
        {b.body ? <div className="mt-1">{b.body}</div> : null}
      </div>
      <button
        type="button"
        onClick={() => onDismiss(b.id)}
        aria-label="Dismiss"
        className={cn("-m-1 rounded p-1 text-lg leading-none opacity-70 hover:opacity-100", focusRing)}
      >
        ×
      </button>
    </div>
  );
}
