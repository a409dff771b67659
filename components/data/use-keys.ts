"use client";

import useSWR from "swr";
import type { ApiKeyList } from "@/lib/api/schemas";
import { fetchJson } from "./fetcher";

/** API keys without their secrets (`GET /api/keys`, admins only); "last used" moves on its own. */
export function useKeys(fallbackData: ApiKeyList) {
  return useSWR<ApiKeyList>("/api/keys", fetchJson, { fallbackData, refreshInterval: 10_000 });
}
