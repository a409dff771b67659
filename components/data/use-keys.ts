"use client";

import useSWR from "swr";
import { fetchJson } from "./fetcher";
import type { KeyList } from "./types";

/** API keys without their secrets (`GET /api/keys`, admins only); "last used" moves on its own. */
export function useKeys(fallbackData: KeyList) {
  return useSWR<KeyList>("/api/keys", fetchJson, { fallbackData, refreshInterval: 10_000 });
}
