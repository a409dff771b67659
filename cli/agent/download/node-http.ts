// Every answer of the Hub, over HTTP or HTTPS, through node:http: the body is a plain
// stream of Buffers, each copied into the blob writer's ring as it arrives. Node's fetch
// (undici) reads the same bodies as web streams and cost the agent more CPU on both
// (docs/benchmarks.md, "The hand-written HTTP/1.1 reader").
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { HubBody, HubResponse } from "./types";
import { collectYoungGarbage } from "./young-gc";

/** Bytes between two minor GCs while reading Buffers (young-gc.ts). */
const COLLECT_EVERY = 4 * 1024 * 1024;

function nodeBody(res: IncomingMessage): HubBody {
  return {
    async pipeTo(writer, hooks) {
      const chunks = res[Symbol.asyncIterator]();
      let uncollected = 0;
      for (;;) {
        hooks.watchdog.arm();
        const { done, value } = await chunks.next();
        hooks.watchdog.disarm();
        if (done) return;
        const chunk = value as Buffer;
        await writer.push(chunk);
        hooks.onData(chunk.length);
        uncollected += chunk.length;
        if (uncollected >= COLLECT_EVERY) {
          uncollected = 0;
          collectYoungGarbage();
        }
      }
    },
    drain: () => res.resume(),
    destroy: () => res.destroy(),
  };
}

export function nodeGet(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<HubResponse> {
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { headers, signal }, (res) => {
      resolve({
        status: res.statusCode ?? 0,
        header: (name) => {
          const value = res.headers[name];
          return (Array.isArray(value) ? value.join(", ") : value) ?? null;
        },
        body: nodeBody(res),
      });
    });
    req.on("error", reject);
  });
}
