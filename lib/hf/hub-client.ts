import "server-only";
import { logger } from "@/lib/log/logger";
import { getHfEndpoint, getHfTimeoutMs, getHfToken } from "./config";
import { hubUnavailable, mapHubError } from "./hub-errors";
import { type HubModelInfo, hubModelInfoSchema } from "./model-info";

const maxRedirects = 2;

/**
 * One metadata request: GET {HF_ENDPOINT}/api/models/{repo}/revision/{rev}?blobs=true.
 * Follows at most two same-origin redirects (renamed and legacy ids); the body's
 * `id` is the canonical id. Never follows a redirect to another host, so no input
 * can make the server fetch anything but HF_ENDPOINT.
 */
export async function fetchModelInfo({ repo, revision }: { repo: string; revision: string }): Promise<HubModelInfo> {
  const endpoint = getHfEndpoint();
  const token = getHfToken();
  const repoPath = repo.split("/").map(encodeURIComponent).join("/");
  let url = new URL(`${endpoint}/api/models/${repoPath}/revision/${encodeURIComponent(revision)}?blobs=true`);
  const origin = url.origin;
  const timeoutMs = getHfTimeoutMs();
  const deadline = AbortSignal.timeout(timeoutMs);

  for (let hop = 0; ; hop++) {
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(url, {
        redirect: "manual",
        signal: deadline,
        headers: { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
    } catch (error) {
      const timedOut = deadline.aborted;
      logHubCall({ url, status: null, started, repo, error: timedOut ? "timeout" : String(error) });
      throw hubUnavailable(
        timedOut
          ? `Hugging Face did not answer within ${timeoutMs / 1000} s for ${repo}; try again later.`
          : `Could not reach Hugging Face at ${endpoint} (${(error as Error).message}); check the network or HF_ENDPOINT.`,
      );
    }
    logHubCall({ url, status: res.status, started, repo });

    if ([301, 302, 307, 308].includes(res.status)) {
      await res.body?.cancel();
      const location = res.headers.get("location");
      if (!location) throw hubUnavailable(`Hugging Face redirected ${repo} without a location.`);
      const next = new URL(location, url);
      if (next.origin !== origin) throw hubUnavailable(`Hugging Face redirected ${repo} to another host; refused.`);
      if (hop >= maxRedirects) throw hubUnavailable(`Hugging Face redirected ${repo} too many times.`);
      url = next;
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw mapHubError(res, { repo, revision, hasToken: Boolean(token) });
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw hubUnavailable(
        deadline.aborted
          ? `Hugging Face did not answer within ${timeoutMs / 1000} s for ${repo}; try again later.`
          : `Hugging Face sent an unreadable answer for ${repo}.`,
      );
    }
    const parsed = hubModelInfoSchema.safeParse(body);
    if (!parsed.success) throw hubUnavailable(`Hugging Face sent unexpected metadata for ${repo}.`);
    return parsed.data;
  }
}

function logHubCall(e: { url: URL; status: number | null; started: number; repo: string; error?: string }): void {
  logger.info(
    {
      event: "hf.request",
      path: e.url.pathname,
      repo: e.repo,
      status: e.status,
      latency_ms: Math.round(performance.now() - e.started),
      ...(e.error ? { error: e.error } : {}),
    },
    "hub call",
  );
}
