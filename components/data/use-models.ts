"use client";

import useSWR from "swr";
import { fetchJson } from "./fetcher";
import { liveRefreshMs } from "./live";
import type { ModelList } from "./types";

/** Every registered model with its ready state (`GET /v1/models`), kept live. */
export function useModels(fallbackData: ModelList) {
  return useSWR<ModelList>("/v1/models", fetchJson, { fallbackData, refreshInterval: liveRefreshMs });
}
