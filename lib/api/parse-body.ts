import type { z } from "zod";
import { ApiError } from "./errors";

export const maxBodyBytes = 64 * 1024;

/**
 * Read a JSON body of at most 64 KB and validate it with `schema`. Oversized bodies
 * are refused before they are buffered whole; malformed JSON is a 400, never a crash.
 * With `optional`, an empty body reads as `{}`.
 */
export async function parseJsonBody<T extends z.ZodType>(
  req: Request,
  schema: T,
  opts: { maxBytes?: number; optional?: boolean } = {},
): Promise<z.infer<T>> {
  const limit = opts.maxBytes ?? maxBodyBytes;
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  const text = await readLimited(req, limit);
  if (!text.trim() && !opts.optional) {
    throw new ApiError("invalid_json", "The request body is empty; send a JSON object.");
  }
  let value: unknown;
  try {
    value = text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new ApiError("invalid_json", "The request body is not valid JSON.");
  }
  const result = schema.safeParse(value);
  if (!result.success) throw result.error;
  return result.data;
}

async function readLimited(req: Request, limit: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge(limit: number): ApiError {
  return new ApiError("payload_too_large", `The request body is larger than ${limit / 1024} KB.`);
}
