"use client";

import useSWR from "swr";
import type { NodeOverview } from "@/lib/api/model-schemas";
import { fetchJson } from "./fetcher";
import { liveRefreshMs } from "./live";

/** One node with every model it reports (`GET /api/nodes/{id}`), kept live; errors with 404 once forgotten. */
export function useNode(id: string, fallbackData: NodeOverview) {
  return useSWR<NodeOverview>(`/api/nodes/${encodeURIComponent(id)}`, fetchJson, {
    fallbackData,
    refreshInterval: liveRefreshMs,
  });
}
