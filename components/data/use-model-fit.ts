"use client";

import useSWR from "swr";
import type { FitReport } from "@/lib/api/fit";
import { fetchJson } from "./fetcher";
import { modelApiPath } from "./live";

/** Nodes come and go, and a node's memory with them; ten seconds is live enough for a table of fits. */
const fitRefreshMs = 10_000;

/**
 * `GET /api/models/{name}/fit?context=N`: each online node × each complete variant at `context`
 * tokens. The server-rendered report stands in only for its own context; while another context
 * loads, the previous answer stays on screen (its `context` says which one it is).
 */
export function useModelFit(name: string, context: number, initial: FitReport) {
  return useSWR<FitReport>(`/api/models/${modelApiPath(name)}/fit?context=${context}`, fetchJson, {
    fallbackData: context === initial.context ? initial : undefined,
    keepPreviousData: true,
    refreshInterval: fitRefreshMs,
  });
}
