// Download failures, split into transient (retry, keep the partial file) and permanent
// (report on the model and stop), with the error codes a node reports in its sync state
// (README, "Nodes").

import { parseRetryAfter } from "./retry";
import type { HubResponse } from "./types";

export type DownloadErrorCode =
  | "gated"
  | "not_found"
  | "checksum_mismatch"
  | "disk_full"
  | "rate_limited"
  | "unavailable"
  | "network"
  | "stalled"
  | "truncated"
  | "download_failed";

export class DownloadError extends Error {
  readonly code: DownloadErrorCode;
  readonly transient: boolean;
  readonly retryAfterMs: number | null;
  /** Set by retryTransient() when the last allowed attempt failed. */
  exhausted?: boolean;

  constructor(
    code: DownloadErrorCode,
    message: string,
    opts: { transient?: boolean; retryAfterMs?: number | null } = {},
  ) {
    super(message);
    this.name = "DownloadError";
    this.code = code;
    this.transient = opts.transient ?? false;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
}

/** The Hub's error for a status that ended a download, with a message a person can act on. */
export function hubStatusError(
  res: Pick<HubResponse, "status" | "header">,
  ctx: { repo: string; path: string; hasToken: boolean },
): DownloadError {
  const code = res.header("x-error-code");
  const where = `${ctx.repo}/${ctx.path}`;
  if (res.status === 401 || res.status === 403) {
    if (code === "GatedRepo") {
      return new DownloadError(
        "gated",
        ctx.hasToken
          ? `${ctx.repo} is gated and the account of HF_TOKEN has no access: accept the model's terms on its Hub page`
          : `${ctx.repo} is gated: set HF_TOKEN to a token of an account with access`,
      );
    }
    return new DownloadError(
      "gated",
      ctx.hasToken
        ? `the Hub refused HF_TOKEN for ${ctx.repo} (${res.status}): check that the token is valid and has access`
        : `${ctx.repo} needs authentication (${res.status}, private or gated): set HF_TOKEN to a token of an account with access`,
    );
  }
  if (res.status === 404) {
    const what =
      code === "RepoNotFound"
        ? `repository ${ctx.repo} not found`
        : code === "RevisionNotFound"
          ? `the pinned commit of ${ctx.repo} was not found`
          : `${where} not found`;
    return new DownloadError("not_found", `${what} on the Hub (${code ?? "404"})`);
  }
  const retryAfterMs = parseRetryAfter(res.header("retry-after"));
  if (res.status === 429) {
    return new DownloadError("rate_limited", `the Hub is rate-limiting downloads of ${where} (429)`, {
      transient: true,
      retryAfterMs,
    });
  }
  if (res.status >= 500) {
    return new DownloadError("unavailable", `the Hub answered ${res.status} for ${where}`, {
      transient: true,
      retryAfterMs: res.status === 503 ? retryAfterMs : null,
    });
  }
  return new DownloadError("download_failed", `the Hub answered ${res.status} for ${where}`);
}

/** File-system failures while writing are never worth retrying in a loop. */
export function fileSystemError(err: unknown, file: string): DownloadError {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") return new DownloadError("disk_full", `no space left writing ${file}`);
  return new DownloadError("download_failed", `cannot write ${file}: ${(err as Error)?.message ?? String(err)}`);
}
