/**
 * Base URL of every Hub call (mirrors and the test hub set it), without trailing slash.
 * It may hold a mirror's user name and password: only Hub calls use it as it is;
 * everything shown to people, returned or logged uses getHfEndpointForDisplay().
 */
export function getHfEndpoint(): string {
  return (process.env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, "");
}

/** HF_ENDPOINT without a user name or password: for pages, answers, manifests and logs. */
export function getHfEndpointForDisplay(): string {
  return hideUrlCredentials(getHfEndpoint());
}

/**
 * `text` with the user name and password left out of every URL in it (`http://u:p@host/x`
 * → `http://host/x`), for text shown to people or logged, such as an error message that
 * quotes the URL it failed on.
 */
export function hideUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi, "$1");
}

export function getHfToken(): string | null {
  return process.env.HF_TOKEN || null;
}

/** 10 s by default; tests shorten it to exercise the timeout path quickly. */
export function getHfTimeoutMs(): number {
  const value = Number(process.env.HF_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : 10_000;
}

/** The Hub URL a node downloads one file from, pinned to a commit. */
export function buildResolveUrl({
  repo,
  commit,
  filename,
}: {
  repo: string;
  commit: string;
  filename: string;
}): string {
  const path = filename.split("/").map(encodeURIComponent).join("/");
  // Returned to every reader: nodes download with their own HF_ENDPOINT and HF_TOKEN.
  return `${getHfEndpointForDisplay()}/${repo}/resolve/${commit}/${path}`;
}
