import "server-only";
import { logger } from "@/lib/log/logger";
import { metrics } from "@/lib/metrics/registry";
import { getHfEndpoint, getHfEndpointForDisplay, getHfTimeoutMs, getHfToken, hideUrlCredentials } from "./config";
import { hubUnavailable, mapHubError } from "./hub-errors";
import { maxHubAnswerBytes } from "./hub-limits";
import { type HubModelInfo, hubModelInfoSchema } from "./model-info";
import { isValidRepoId } from "./parse-input";
import { quote, tryDecode } from "./path-rules";
import { AnswerTooLargeError, readBoundedJson } from "./read-answer";

const maxRedirects = 2;

/**
 * One metadata request: GET {HF_ENDPOINT}/api/models/{repo}/revision/{rev}?blobs=true.
 * Follows at most two same-origin redirects (renamed and legacy ids); the body's
 * `id` is the canonical id, accepted only when it names the repository the answering
 * URL asked for. Never follows a redirect to another host, so no input can make the
 * server fetch anything but HF_ENDPOINT; never reads more than maxHubAnswerBytes.
 */
export async function fetchModelInfo({ repo, revision }: { repo: string; revision: string }): Promise<HubModelInfo> {
  const endpoint = getHfEndpoint();
  const token = getHfToken();
  const repoPath = repo.split("/").map(encodeURIComponent).join("/");
  let url = new URL(`${endpoint}/api/models/${repoPath}/revision/${encodeURIComponent(revision)}?blobs=true`);
  const origin = url.origin;
  const timeoutMs = getHfTimeoutMs();
  const deadline = AbortSignal.timeout(timeoutMs);
  // The repository the current URL asks for: the input, then each redirect's target.
  let askedFor: string | null = repo;

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
      // fetch's message may quote the URL, with HF_ENDPOINT's user name and password.
      const reason = hideUrlCredentials((error as Error).message);
      logHubCall({ url, status: null, started, repo, error: timedOut ? "timeout" : reason });
      countHubCall(timedOut ? "timeout" : "unreachable", started);
      throw hubUnavailable(
        timedOut
          ? `Hugging Face did not answer within ${timeoutMs / 1000} s for ${repo}; try again later.`
          : `Could not reach Hugging Face at ${getHfEndpointForDisplay()} (${reason}); check the network or HF_ENDPOINT.`,
      );
    }
    logHubCall({ url, status: res.status, started, repo });
    if (!res.ok) countHubCall(outcomeOfStatus(res.status), started);

    if ([301, 302, 307, 308].includes(res.status)) {
      await res.body?.cancel();
      const location = res.headers.get("location");
      if (!location) throw hubUnavailable(`Hugging Face redirected ${repo} without a location.`);
      const next = new URL(location, url);
      if (next.origin !== origin) throw hubUnavailable(`Hugging Face redirected ${repo} to another host; refused.`);
      if (hop >= maxRedirects) throw hubUnavailable(`Hugging Face redirected ${repo} too many times.`);
      url = next;
      askedFor = repoOfMetadataUrl(next);
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw mapHubError(res, { repo, revision, hasToken: Boolean(token) });
    }
    let body: unknown;
    try {
      body = await readBoundedJson(res, maxHubAnswerBytes);
    } catch (error) {
      countHubCall(deadline.aborted ? "timeout" : "bad_answer", started);
      throw hubUnavailable(
        error instanceof AnswerTooLargeError
          ? `The metadata Hugging Face sent for ${repo} is larger than ${maxHubAnswerBytes / 1024 / 1024} MB, the most this server reads from one answer; refused.`
          : deadline.aborted
            ? `Hugging Face did not answer within ${timeoutMs / 1000} s for ${repo}; try again later.`
            : `Hugging Face sent an unreadable answer for ${repo}.`,
      );
    }
    const parsed = hubModelInfoSchema.safeParse(body);
    const answered = parsed.success && answersFor(parsed.data.id, askedFor);
    countHubCall(answered ? "ok" : "bad_answer", started);
    if (!parsed.success) throw hubUnavailable(`Hugging Face sent unexpected metadata for ${repo}.`);
    if (!answered) {
      throw hubUnavailable(
        `Hugging Face answered for ${repo} with metadata of ${quote(parsed.data.id)}, which is not that repository; refused.`,
      );
    }
    return parsed.data;
  }
}

/**
 * The id becomes the model's name and every download URL, so it must be a valid
 * `owner/repo` and the repository that was asked for (a renamed repository answers for
 * the target of the redirect that was followed), in any casing.
 */
function answersFor(id: string, askedFor: string | null): boolean {
  const valid = isValidRepoId(id) && id.split("/").length === 2;
  return valid && askedFor !== null && id.toLowerCase() === askedFor.toLowerCase();
}

type HubOutcome = "ok" | "redirect" | "not_found" | "rate_limited" | "server_error" | "unexpected_status";

function outcomeOfStatus(status: number): HubOutcome {
  if ([301, 302, 307, 308].includes(status)) return "redirect";
  if (status === 401 || status === 403 || status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  return status >= 500 ? "server_error" : "unexpected_status";
}

/** One request's outcome and time, to the end of its body when that was read. */
function countHubCall(outcome: HubOutcome | "timeout" | "unreachable" | "bad_answer", started: number): void {
  metrics.hubRequests.inc({ outcome });
  metrics.hubDuration.observe({ outcome }, (performance.now() - started) / 1000);
}

/** The repository a metadata URL asks for (`…/api/models/{owner}/{repo}/revision/…`), or null. */
function repoOfMetadataUrl(url: URL): string | null {
  const marker = "/api/models/";
  const at = url.pathname.indexOf(marker);
  if (at === -1) return null;
  const parts = url.pathname.slice(at + marker.length).split("/");
  // A legacy one-part id is followed directly by "revision".
  const idParts = parts[1] === "revision" || parts.length === 1 ? parts.slice(0, 1) : parts.slice(0, 2);
  const decoded = idParts.map(tryDecode);
  return decoded.every((part) => part) ? decoded.join("/") : null;
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
