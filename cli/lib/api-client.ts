// Typed client over llmlb's public HTTP API. Bodies are validated with the same zod
// schemas the server uses, so a contract drift shows up as a clear error, not a crash.
import type { z } from "zod";
import {
  announceNodeResponseSchema,
  announceNodeSchema,
  apiErrorBodySchema,
  manifestSchema,
  registryListingSchema,
  type SyncBody,
  syncResponseSchema,
} from "../../lib/api/node-schemas";

export type AnnounceNodeInput = z.input<typeof announceNodeSchema>;
export type AnnounceNodeResponse = z.infer<typeof announceNodeResponseSchema>;
export type SyncResponse = z.infer<typeof syncResponseSchema>;
export type RegistryListing = z.infer<typeof registryListingSchema>;
export type RegistryModel = RegistryListing["models"][number];
export type Manifest = z.infer<typeof manifestSchema>;

export type ListModelsResult =
  | { status: 200; etag: string | null; listing: RegistryListing }
  | { status: 304; etag: string | null };

/** status 0: the server never answered (network error, timeout). */
export class ApiClientError extends Error {
  readonly status: number;
  readonly code: string;
  /** True when the body was llmlb's error envelope: the server itself answered. */
  readonly fromServer: boolean;
  /** For status 0: what the network said (ECONNREFUSED…), without the URL. */
  readonly reason: string | null;
  /** The server's Retry-After (429, 503), in milliseconds. */
  readonly retryAfterMs: number | null;
  /** The error envelope's other fields (`not_ready` of a refused promotion, `name` of a duplicate). */
  readonly details: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    message: string,
    opts: {
      fromServer?: boolean;
      reason?: string;
      retryAfterMs?: number | null;
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = "ApiClientError";
    this.status = status;
    this.code = code;
    this.fromServer = opts.fromServer ?? false;
    this.reason = opts.reason ?? null;
    this.retryAfterMs = opts.retryAfterMs ?? null;
    this.details = opts.details ?? {};
  }

  /** Worth trying again: no answer, a timeout, a rate limit, or the server (or its database) unavailable. */
  get transient(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Per-request timeout; long polls add their wait to it. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * How many times a 503 is retried after its Retry-After (at most 5 s each): the
   * server says it is briefly unable (its database restarting). Only for requests that
   * are safe to repeat; 0 by default, as the agent's loops retry on their own.
   */
  retryUnavailable?: number;
}

/** A finished exchange: the body is read whole (small JSON) under the request's timeout. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  url: string;
  text: string;
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(opts: ApiClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.apiKey = opts.apiKey;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.fetchImpl = opts.fetch ?? fetch;
  }

  async announce(body: AnnounceNodeInput, signal?: AbortSignal): Promise<AnnounceNodeResponse> {
    const res = await this.request("/api/nodes", { method: "POST", body: announceNodeSchema.parse(body), signal });
    return parseBody(res, announceNodeResponseSchema);
  }

  async sync(nodeId: string, body: SyncBody, signal?: AbortSignal): Promise<SyncResponse> {
    const res = await this.request(`/api/nodes/${encodeURIComponent(nodeId)}/sync`, { method: "PUT", body, signal });
    return parseBody(res, syncResponseSchema);
  }

  /** Long-polls the registry: 304 while nothing changed within `waitS`, 200 with a new ETag otherwise. */
  async listModels(
    opts: { etag?: string | null; waitS?: number; signal?: AbortSignal } = {},
  ): Promise<ListModelsResult> {
    const waitS = opts.waitS ?? 0;
    const res = await this.request(waitS > 0 ? `/api/models?wait=${waitS}` : "/api/models", {
      headers: opts.etag ? { "if-none-match": opts.etag } : {},
      signal: opts.signal,
      timeoutMs: this.timeoutMs + waitS * 1000,
    });
    const etag = res.headers.get("etag");
    if (res.status === 304) return { status: 304, etag: etag ?? opts.etag ?? null };
    return { status: 200, etag, listing: parseBody(res, registryListingSchema) };
  }

  async getManifest(manifestUrl: string, signal?: AbortSignal): Promise<Manifest> {
    return parseBody(await this.request(this.resolveUrl(manifestUrl), { signal }), manifestSchema);
  }

  /**
   * The listing's manifest_url is path-absolute; appending it to LLMLB_URL keeps a path
   * prefix (a reverse proxy's /llmlb). An absolute URL must stay on the same origin:
   * the API key is never sent anywhere else.
   */
  resolveUrl(pathOrUrl: string): string {
    if (pathOrUrl.startsWith("/") && !pathOrUrl.startsWith("//")) return `${this.baseUrl}${pathOrUrl}`;
    const url = new URL(pathOrUrl, `${this.baseUrl}/`);
    if (url.origin !== new URL(this.baseUrl).origin) {
      throw new ApiClientError(0, "foreign_url", `refusing to call ${url.origin}: it is not LLMLB_URL's origin`);
    }
    return url.href;
  }

  /** One call: 2xx and 304 resolve, anything else throws ApiClientError with the server's message. */
  async request(pathOrUrl: string, opts: RequestOptions = {}): Promise<ApiResponse> {
    for (let retries = opts.retryUnavailable ?? 0; ; retries--) {
      try {
        return await this.requestOnce(pathOrUrl, opts);
      } catch (err) {
        if (retries <= 0 || !(err instanceof ApiClientError) || err.status !== 503) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.min(err.retryAfterMs ?? 1000, 5000)));
        if (opts.signal?.aborted) throw err;
      }
    }
  }

  private async requestOnce(pathOrUrl: string, opts: RequestOptions): Promise<ApiResponse> {
    const url = pathOrUrl.startsWith("/") ? `${this.baseUrl}${pathOrUrl}` : pathOrUrl;
    // A controller per request, unhooked in `finally`: a long-running agent makes tens of
    // thousands of calls, and listeners left on the shared signal would pile up.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, opts.timeoutMs ?? this.timeoutMs);
    const onAbort = () => controller.abort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    if (opts.signal?.aborted) controller.abort();
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.apiKey}`,
      accept: "application/json",
      ...opts.headers,
    };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    let res: ApiResponse;
    try {
      const r = await this.fetchImpl(url, {
        method: opts.method ?? "GET",
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: controller.signal,
      });
      res = { status: r.status, headers: r.headers, url, text: await r.text() };
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (timedOut) throw new ApiClientError(0, "timeout", `${describe(url)} did not answer in time`);
      const reason = networkMessage(err);
      throw new ApiClientError(0, "unreachable", `${describe(url)}: ${reason}`, { reason });
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
    }
    if ((res.status >= 200 && res.status < 300) || res.status === 304) return res;
    throw toApiClientError(res);
  }
}

export function parseBody<T extends z.ZodType>(res: ApiResponse, schema: T): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    throw new ApiClientError(res.status, "invalid_response", `${describe(res.url)} did not return JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "body";
    throw new ApiClientError(
      res.status,
      "invalid_response",
      `unexpected answer from ${describe(res.url)}: ${where}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

function toApiClientError(res: ApiResponse): ApiClientError {
  let body: unknown = null;
  try {
    body = JSON.parse(res.text);
  } catch {
    // Proxies answer HTML or plain text; fall back to the status.
  }
  const parsed = apiErrorBodySchema.safeParse(body);
  const retryAfterMs = parseRetryAfterMs(res.headers.get("retry-after"));
  if (parsed.success) {
    const { code, message, ...details } = (body as { error: Record<string, unknown> }).error;
    return new ApiClientError(res.status, parsed.data.error.code, parsed.data.error.message, {
      fromServer: true,
      retryAfterMs,
      details,
    });
  }
  return new ApiClientError(res.status, `http_${res.status}`, `${describe(res.url)} answered ${res.status}`, {
    retryAfterMs,
  });
}

/** `Retry-After` in seconds (the form llmlb sends) → milliseconds; null when absent or another form. */
function parseRetryAfterMs(value: string | null): number | null {
  return value && /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : null;
}

/** Origin and path only, to keep messages short. */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}

/** undici hides the useful part (ECONNREFUSED…) in `cause`. */
export function networkMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) return cause.message || err.message;
    return err.message;
  }
  return String(err);
}
