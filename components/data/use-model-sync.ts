"use client";

import { useState } from "react";
import useSWR from "swr";
import type { ModelSyncList } from "@/lib/api/model-schemas";
import { advanceRates, type Rates } from "../models/download-rates";
import { fetchJson } from "./fetcher";
import { liveRefreshMs } from "./live";

/**
 * Every model's badge, node counts and download bytes (`GET /api/models/sync`), or one
 * model's; kept live, with each download's speed measured between polls. `null` stops
 * polling (the model was deleted).
 */
export function useModelSync(model: string | null | undefined, fallbackData: ModelSyncList) {
  const [rates, setRates] = useState<Rates>(() => new Map());
  const url =
    model === null ? null : model ? `/api/models/sync?model=${encodeURIComponent(model)}` : "/api/models/sync";
  const swr = useSWR<ModelSyncList>(url, fetchJson, {
    fallbackData,
    refreshInterval: liveRefreshMs,
    // Every answer, changed or not: a stalled download must slow down, not keep its speed.
    onSuccess: (data) => setRates((previous) => advanceRates(previous, data.models, Date.now())),
  });
  return { ...swr, rates };
}
