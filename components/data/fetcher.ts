/** An error answer of the JSON API, with the server's code and message. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ApiRequestError";
    this.status = status;
    this.code = code;
  }
}

/**
 * The one fetcher behind every SWR hook: the browser's session cookie authenticates
 * it, and both error shapes (`{error:{code,message}}` and OpenAI's) become an
 * ApiRequestError that says what the server said.
 */
export async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: "application/json" }, cache: "no-store" });
  if (res.ok) return (await res.json()) as T;
  let code = `http_${res.status}`;
  let message = `The server answered ${res.status}.`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not JSON (a proxy's error page): keep the status-based message.
  }
  throw new ApiRequestError(res.status, code, message);
}
