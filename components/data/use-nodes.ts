"use client";

import useSWR from "swr";
import type { NodesOverview } from "@/lib/api/model-schemas";
import type { NodesView } from "@/lib/nodes/list-nodes";
import { fetchJson } from "./fetcher";
import { liveRefreshMs } from "./live";

/** The `GET /api/nodes` URL of a view; its server-rendered fallback must come from the same view. */
export function nodesApiUrl({ model, summary }: NodesView): string {
  // The whole name as one query value: its slashes are %2F-encoded with the rest.
  if (model !== undefined) return `/api/nodes?model=${encodeURIComponent(model)}`;
  return summary ? "/api/nodes?summary=true" : "/api/nodes";
}

/**
 * Nodes with online state, hardware and model counts (`GET /api/nodes`), kept live; each
 * page polls only the per-model states it shows (all, one model's, or none), and nothing for `null`.
 */
export function useNodes(view: NodesView | null, fallbackData: NodesOverview) {
  // null: stop polling (the model was deleted; its view would only answer 404).
  return useSWR<NodesOverview>(view && nodesApiUrl(view), fetchJson, { fallbackData, refreshInterval: liveRefreshMs });
}
