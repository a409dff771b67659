"use client";

import useSWR from "swr";
import type { ModelDetail, ModelHistory, RolloutProgress } from "@/lib/api/model-schemas";
import { fetchJson } from "./fetcher";
import { liveRefreshMs, modelApiPath } from "./live";

/** Upstream changes are rare (a periodic check, a webhook): ten seconds is live enough, and the answer holds the manifest. */
const upstreamRefreshMs = 10_000;

/**
 * `GET /api/models/{name}` (its `upstream`, `follow` and `rollout`), kept live: faster while
 * an update is staged, so an automatic promotion shows as the nodes get there.
 */
export function useModelDetail(name: string, fallbackData: ModelDetail) {
  return useSWR<ModelDetail>(`/api/models/${modelApiPath(name)}`, fetchJson, {
    fallbackData,
    refreshInterval: (data) => (data?.rollout.candidate ? liveRefreshMs : upstreamRefreshMs),
  });
}

/** `GET /api/models/{name}/rollout` while an update is staged (`candidate` set): each node's progress. */
export function useRolloutProgress(name: string, candidate: string | null) {
  return useSWR<RolloutProgress>(
    candidate ? [`/api/models/${modelApiPath(name)}/rollout`, candidate] : null,
    ([url]: [string, string]) => fetchJson(url),
    { refreshInterval: liveRefreshMs },
  );
}

/** `GET /api/models/{name}/history`, kept live. */
export function useModelHistory(name: string, fallbackData: ModelHistory) {
  return useSWR<ModelHistory>(`/api/models/${modelApiPath(name)}/history`, fetchJson, {
    fallbackData,
    refreshInterval: upstreamRefreshMs,
  });
}
