"use client";

import useSWR from "swr";
import type { V1Model } from "@/lib/api/model-schemas";
import { fetchJson } from "./fetcher";
import { liveRefreshMs, modelApiPath } from "./live";

/** One model's ready state (`GET /v1/models/{name}`), kept live; errors with 404 once deleted. */
export function useModel(name: string, fallbackData: V1Model) {
  return useSWR<V1Model>(`/v1/models/${modelApiPath(name)}`, fetchJson, {
    fallbackData,
    refreshInterval: liveRefreshMs,
  });
}
