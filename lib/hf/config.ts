/** Base URL of every Hub call (mirrors and the test hub set it), without trailing slash. */
export function getHfEndpoint(): string {
  return (process.env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, "");
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
  return `${getHfEndpoint()}/${repo}/resolve/${commit}/${path}`;
}
