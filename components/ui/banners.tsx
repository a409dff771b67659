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
}

const toneClass: Record<BannerTone, string> = {
  success:
    "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/60 dark:text-emerald-100",
  error: "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100",
  warning: "border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-100",
};

const icons: Record<BannerTone, string> = { success: "✓", error: "!", warning: "!" };

let nextId = 1;

/** Banners stay until the person closes them: nothing here dismisses itself. */
export function useBanners() {
  const [banners, setBanners] = useState<BannerMessage[]>([]);
  const push = useCallback((banner: Omit<BannerMessage, "id">) => {
    const id = nextId++;
    // Newest first, and at most three on screen so a burst of actions stays readable.
    setBanners((list) => [{ ...banner, id }, ...list].slice(0, 3));
  }, []);
  const dismiss = useCallback((id: number) => setBanners((list) => list.filter((b) => b.id !== id)), []);
  return { banners, push, dismiss };
}

export type PushBanner = ReturnType<typeof useBanners>["push"];

export function BannerList({ banners, onDismiss }: { banners: BannerMessage[]; onDismiss: (id: number) => void }) {
  return (
    <div aria-live="polite" className="space-y-2 empty:hidden">
      {banners.map((b) => (
        <div
          key={b.id}
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
      ))}
    </div>
  );
}
