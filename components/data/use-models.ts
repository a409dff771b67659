"use client";

import useSWR from "swr";
import type { V1List } from "@/lib/api/model-schemas";
import { fetchJson } from "./fetcher";
import { liveRefreshMs } from "./live";

/** Every registered model with its ready state (`GET /v1/models`), kept live. */
export function useModels(fallbackData: V1List) {
  return useSWR<V1List>("/v1/models", fetchJson, { fallbackData, refreshInterval: liveRefreshMs });
}
