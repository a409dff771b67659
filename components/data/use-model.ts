"use client";

import useSWR from "swr";
import { fetchJson } from "./fetcher";
import { liveRefreshMs, modelApiPath } from "./live";
import type { ConsoleModel } from "./types";

/** One model's ready state (`GET /v1/models/{name}`), kept live; errors with 404 once deleted. */
export function useModel(name: string, fallbackData: ConsoleModel) {
  return useSWR<ConsoleModel>(`/v1/models/${modelApiPath(name)}`, fetchJson, {
    fallbackData,
    refreshInterval: liveRefreshMs,
  });
}
