import { ApiError } from "@/lib/api/errors";

const repoSaidGone = new WeakSet<ApiError>();

/**
 * True when `error` is the Hub saying the repository is not there (a 404 RepoNotFound, or an
 * anonymous 401, as it answers for missing and private repositories alike), not a token
 * it refused.
 */
export function isRepoGone(error: unknown): boolean {
  return error instanceof ApiError && repoSaidGone.has(error);
}

/** Turn a non-2xx Hub answer into a `424` error (an `hf_*` code) whose message a person can act on. */
export function mapHubError(
  res: { status: number; headers: Headers },
  ref: { repo: string; revision: string; hasToken: boolean },
): ApiError {
  const errorCode = res.headers.get("x-error-code");
  const { repo, revision } = ref;
  if (res.status === 429) {
    const retryAfter = res.headers.get("retry-after") ?? rateLimitReset(res.headers.get("ratelimit")) ?? "60";
    return new ApiError(
      "hf_rate_limited",
      `Hugging Face is rate-limiting this server; try again in ${retryAfter} s (setting HF_TOKEN raises the limit).`,
      { headers: { "retry-after": retryAfter }, details: { retry_after: Number(retryAfter) || 60 } },
    );
  }
  if (res.status === 404 && errorCode === "RevisionNotFound") {
    return new ApiError("hf_revision_not_found", `Revision "${revision}" does not exist in ${repo} on Hugging Face.`);
  }
  if (res.status === 404 && errorCode === "EntryNotFound") {
    return new ApiError("hf_file_not_found", `The file was not found in ${repo} at revision "${revision}".`);
  }
  if (res.status === 401 || res.status === 403 || res.status === 404) {
    const hint = ref.hasToken ? "check that HF_TOKEN has access to it" : "set HF_TOKEN if it is yours";
    const error = new ApiError("hf_repo_not_found", `Hugging Face says ${repo} is not found, or private: ${hint}.`);
    // The Hub's own word that the repository does not exist (asked anonymously, a missing
    // and a private repository look alike): a refused token is not a deleted repository.
    const gone = errorCode === "RepoNotFound" || (!ref.hasToken && res.status === 401);
    if (gone) repoSaidGone.add(error);
    return error;
  }
  return new ApiError(
    "hf_unavailable",
    `Hugging Face answered ${res.status} for ${repo}; it may be down. Try again later.`,
  );
}

export function hubUnavailable(message: string): ApiError {
  return new ApiError("hf_unavailable", message);
}

/** Seconds until the window resets, from `RateLimit: "api";r=0;t=42`; null when absent. */
function rateLimitReset(header: string | null): string | null {
  const t = header?.match(/(?:^|;)\s*t=(\d{1,6})\s*(?:;|,|$)/)?.[1];
  return t ?? null;
}
