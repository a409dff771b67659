// A metadata answer too large to hold: valid JSON of exactly `bytes` bytes (an endless
// sibling list), produced chunk by chunk as the client reads, so the hub never holds it.
import type { ServerResponse } from "node:http";
import { JSON_TYPE, waitWritable } from "./http-util";

const ENTRY = '{"rfilename":"padding.bin","size":1}';
const UNIT = Buffer.from(`,${ENTRY}`);
const CHUNK = Buffer.from(`,${ENTRY}`.repeat(Math.floor((64 * 1024) / UNIT.length)));

export async function streamOversizedMetadata(
  res: ServerResponse,
  head: Record<string, unknown>,
  opts: { bytes: number; declareLength: boolean },
  closed: () => boolean,
): Promise<void> {
  const open = `${JSON.stringify(head).slice(0, -1)},"siblings":[${ENTRY}`;
  const close = "]}";
  let left = opts.bytes - Buffer.byteLength(open) - close.length;
  if (left < 0) throw new Error(`an oversized answer needs at least ${opts.bytes - left} bytes`);
  res.writeHead(200, { "Content-Type": JSON_TYPE, ...(opts.declareLength ? { "Content-Length": opts.bytes } : {}) });
  if (res.req.method === "HEAD") {
    res.end();
    return;
  }
  res.write(open);
  while (left >= UNIT.length) {
    if (res.destroyed || closed()) return;
    const units = Math.min(CHUNK.length, left - (left % UNIT.length));
    left -= units;
    if (!res.write(CHUNK.subarray(0, units))) await waitWritable(res);
  }
  if (!res.destroyed) res.end(`${" ".repeat(left)}${close}`);
}
