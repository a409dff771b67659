// Measurement only (bench/nodes/download-readers.ts): answers read through Node's own
// fetch (undici), the library reference for the hand-written reader and node:http.
import type { HubBody, HubResponse } from "./types";
import { collectYoungGarbage, youngGcEnabled } from "./young-gc";

const COLLECT_EVERY = 4 * 1024 * 1024;

export async function fetchGet(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<HubResponse> {
  const res = await fetch(url, { headers, signal, redirect: "manual" });
  const cancel = () => {
    res.body?.cancel().catch(() => {});
  };
  const body: HubBody = {
    async pipeTo(writer, hooks) {
      if (!res.body) return;
      const reader = res.body.getReader();
      let uncollected = 0;
      for (;;) {
        hooks.watchdog.arm();
        const { done, value } = await reader.read();
        hooks.watchdog.disarm();
        if (done) return;
        await writer.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
        hooks.onData(value.byteLength);
        uncollected += value.byteLength;
        if (youngGcEnabled && uncollected >= COLLECT_EVERY) {
          uncollected = 0;
          collectYoungGarbage();
        }
      }
    },
    drain: cancel,
    destroy: cancel,
  };
  return { status: res.status, header: (name) => res.headers.get(name), body };
}
