// GET /api/models – the registry listing nodes poll, with ETag / If-None-Match, ?wait=N long-polling

import { cachedJsonResponse } from "@/lib/api/cached-body";
import { ApiError } from "@/lib/api/errors";
import { anyScope, withApiKey } from "@/lib/auth/with-api-key";
import { readRegistryListing } from "@/lib/registry/read-listing";
import { maxWaitSeconds } from "@/lib/registry/wait-for-listing";

export const dynamic = "force-dynamic";

export const GET = withApiKey(
  async (req) => {
    const body = await readRegistryListing({
      ifNoneMatch: req.headers.get("if-none-match"),
      waitSeconds: parseWait(new URL(req.url).searchParams.get("wait")),
      signal: req.signal,
    });
    return cachedJsonResponse(req, body, { headers: { "cache-control": "no-cache" } });
  },
  { scopes: anyScope },
);

// Longer waits are shortened to the maximum rather than refused, so a client that
// asks for more still long-polls instead of failing every request.
function parseWait(raw: string | null): number {
  if (raw === null || raw === "") return 0;
  const wait = Number(raw);
  if (!Number.isFinite(wait) || wait < 0) {
    throw new ApiError("invalid_input", `wait must be a number of seconds from 0 to ${maxWaitSeconds}.`);
  }
  return Math.min(wait, maxWaitSeconds);
}
