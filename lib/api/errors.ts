// One error class for the whole API: lib/ throws it, toErrorResponse() turns it into
// `{"error":{"code","message"}}` (OpenAI's shape on /v1, see README "API") with the
// status from this table.
export const errorStatus = {
  invalid_input: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  model_not_found: 404,
  key_not_found: 404,
  node_not_found: 404,
  method_not_allowed: 405,
  model_exists: 409,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  no_complete_variant: 422,
  not_a_model_file: 422,
  manifest_too_large: 422,
  hf_repo_not_found: 424,
  hf_revision_not_found: 424,
  hf_file_not_found: 424,
  hf_rate_limited: 424,
  hf_unavailable: 424,
  internal_error: 500,
  database_unavailable: 503,
  server_busy: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra fields merged into the error object (e.g. the existing model's name). */
  readonly details?: Record<string, unknown>;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = errorStatus[code];
    this.details = opts.details;
    this.headers = opts.headers;
  }
}
