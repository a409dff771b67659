// Reads a Hub answer's JSON body without ever holding more than a set number of bytes:
// a broken or hostile mirror can send (or stream) an answer of any size.

export class AnswerTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`answer larger than ${maxBytes} bytes`);
    this.name = "AnswerTooLargeError";
  }
}

/**
 * Parses the body as JSON after reading at most `maxBytes` of it. The declared
 * Content-Length is checked first; the bytes are counted after decompression too, so a
 * small compressed answer cannot expand past the limit either.
 */
export async function readBoundedJson(res: Response, maxBytes: number): Promise<unknown> {
  const declared = Number(res.headers.get("content-length"));
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new AnswerTooLargeError(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new AnswerTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return JSON.parse(Buffer.concat(chunks, total).toString("utf8"));
}
