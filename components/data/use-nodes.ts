"use client";

import useSWR from "swr";
import { fetchJson } from "./fetcher";
import { liveRefreshMs } from "./live";
import type { NodeList } from "./types";

/** Nodes with online state, hardware and per-model sync states (`GET /api/nodes`), kept live. */
export function useNodes(fallbackData: NodeList) {
  return useSWR<NodeList>("/api/nodes", fetchJson, { fallbackData, refreshInterval: liveRefreshMs });
}
