"use client";

import { useState } from "react";
import useSWR from "swr";
import type { ModelSyncList } from "@/lib/api/model-schemas";
import { advanceRates, type Rates } from "../models/download-rates";
import { fetchJson } from "./fetcher";
import { liveRefreshMs } from "./live";

/** The `GET /api/models/sync` URL for these models (one model's page, or a page of the list). */
export function modelSyncUrl(names: string[]): string {
  return `/api/models/sync?${names.map((n) => `model=${encodeURIComponent(n)}`).join("&")}`;
}

/**
 * The badge, node counts and download bytes of the models named (`GET /api/models/sync`):
 * one model's, or the ones on the page shown, never the whole registry's. Kept live, with
 * each download's speed measured between polls. `null` stops polling (the model was deleted).
 */
export function useModelSync(names: string[] | null, fallbackData: ModelSyncList) {
  const [rates, setRates] = useState<Rates>(() => new Map());
  const url = names?.length ? modelSyncUrl(names) : null;
  const swr = useSWR<ModelSyncList>(url, fetchJson, {
    fallbackData,
    refreshInterval: liveRefreshMs,
    // Every answer, changed or not: a stalled download must slow down, not keep its speed.
    onSuccess: (data) => setRates((previous) => advanceRates(previous, data.models, Date.now())),
  });
  return { ...swr, rates };
}
