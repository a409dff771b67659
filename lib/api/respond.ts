import { ZodError } from "zod";
import { hasPgErrorCode, isDatabaseUnavailable } from "@/lib/db/errors";
import { logger } from "@/lib/log/logger";
import { ApiError } from "./errors";

export function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), withJsonType(init));
}

/** A response from bytes serialized earlier (cached listings). */
export function rawJsonResponse(bytes: string | Uint8Array, init: ResponseInit = {}): Response {
  return new Response(bytes as BodyInit, withJsonType(init));
}

function withJsonType(init: ResponseInit): ResponseInit {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  return { ...init, headers };
}

/** Map anything thrown by a handler to the `{"error":{code,message}}` envelope. */
export function toErrorResponse(error: unknown, opts: { openai?: boolean } = {}): Response {
  const apiError = toApiError(error);
  if (apiError.code !== "internal_error") {
    logger.info({ event: "api.error", code: apiError.code, status: apiError.status }, apiError.message);
  }
  const body = opts.openai
    ? {
        error: {
          message: apiError.message,
          type: openAiErrorType(apiError.status),
          param: null,
          code: apiError.code,
        },
      }
    : { error: { code: apiError.code, message: apiError.message, ...apiError.details } };
  return jsonResponse(body, { status: apiError.status, headers: apiError.headers });
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ZodError) return new ApiError("invalid_input", formatZodError(error));
  // PostgreSQL refuses U+0000 in text and jsonb (22021, 22P05): whichever field held
  // one, the request could never be stored, so it is the client's error. The inputs we
  // know of (model names in URLs) are checked where they enter; this covers the rest.
  if (hasPgErrorCode(error, "22021") || hasPgErrorCode(error, "22P05")) {
    return new ApiError("invalid_input", "The request holds a NUL character (\\u0000), which cannot be stored.");
  }
  if (isDatabaseUnavailable(error)) {
    logDatabaseUnavailable(error);
    return new ApiError("database_unavailable", "The database is unavailable right now; try again in a few seconds.", {
      headers: { "retry-after": String(retryAfterSeconds) },
    });
  }
  logger.error({ err: error }, "unhandled error");
  return new ApiError("internal_error", "Something went wrong on the server; the error was logged.");
}

const retryAfterSeconds = 5;
// During an outage every request fails the same way: one line (with the cause) every
// few seconds says so without burying the log.
const outageLog = { at: 0, suppressed: 0 };

function logDatabaseUnavailable(error: unknown): void {
  const now = Date.now();
  if (now - outageLog.at < 5_000) {
    outageLog.suppressed++;
    return;
  }
  logger.warn(
    { event: "db.unavailable", err: error, suppressed: outageLog.suppressed },
    "database unavailable: answering 503",
  );
  outageLog.at = now;
  outageLog.suppressed = 0;
}

function formatZodError(error: ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

function openAiErrorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "invalid_request_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}
