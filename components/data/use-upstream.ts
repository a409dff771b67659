"use client";

import useSWR from "swr";
import type { ModelDetail, ModelHistory } from "@/lib/api/model-schemas";
import { fetchJson } from "./fetcher";
import { modelApiPath } from "./live";

/** Upstream changes are rare (a periodic check, a webhook): ten seconds is live enough, and the answer holds the manifest. */
const upstreamRefreshMs = 10_000;

/** `GET /api/models/{name}` (its `upstream` and `follow`), kept live. */
export function useModelDetail(name: string, fallbackData: ModelDetail) {
  return useSWR<ModelDetail>(`/api/models/${modelApiPath(name)}`, fetchJson, {
    fallbackData,
    refreshInterval: upstreamRefreshMs,
  });
}

/** `GET /api/models/{name}/history`, kept live. */
export function useModelHistory(name: string, fallbackData: ModelHistory) {
  return useSWR<ModelHistory>(`/api/models/${modelApiPath(name)}/history`, fetchJson, {
    fallbackData,
    refreshInterval: upstreamRefreshMs,
  });
}
