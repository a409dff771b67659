// HTTP load with autocannon, plus the bare node:http baseline the listings are compared to.
import http from "node:http";
import autocannon from "autocannon";
import { startBytesFloor } from "../floor/floor";
import { floorPort } from "../scale/ports";

export interface LoadScenario {
  label: string;
  url: string;
  headers?: Record<string, string>;
  /** Status codes that count as success (304 for conditional requests). */
  okStatuses: number[];
  /**
   * When set, response bodies must equal it exactly: five requests after the load are
   * compared. Comparing every 350 KB body inside the load generator made the generator,
   * not the server, the bottleneck: the floor answered 735 req/s with it, 3,600 without.
   */
  expectBody?: string;
  bodyBytes: number;
}

export interface LoadOptions {
  connections: number;
  durationS: number;
  warmupS: number;
}

export interface LoadResult {
  label: string;
  requests: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Wrong status, wrong body, socket errors and timeouts together; must be 0. */
  failures: number;
  statusCounts: Record<string, number>;
  bodyBytes: number;
}

export async function runLoad(scenario: LoadScenario, opts: LoadOptions): Promise<LoadResult> {
  const instance = autocannon({
    url: scenario.url,
    headers: scenario.headers,
    connections: opts.connections,
    duration: opts.durationS,
    warmup: { connections: opts.connections, duration: opts.warmupS },
    timeout: 10,
    renderProgressBar: false,
    renderResultsTable: false,
    renderLatencyTable: false,
  });
  // autocannon's histogram has 1 ms resolution; the 304 path needs finer, so keep
  // every latency (the warm-up runs on another emitter, so it is not included).
  const latencies: number[] = [];
  instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  const result = await instance;

  const statusCounts: Record<string, number> = {};
  let wrongStatus = 0;
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) {
    statusCounts[code] = count;
    if (!scenario.okStatuses.includes(Number(code))) wrongStatus += count;
  }
  latencies.sort((a, b) => a - b);
  let mismatches = 0;
  if (scenario.expectBody !== undefined) {
    for (let i = 0; i < 5; i++) {
      const sample = await captureResponse(scenario.url, scenario.headers);
      if (sample.body.toString("utf8") !== scenario.expectBody) mismatches++;
    }
  }
  return {
    label: scenario.label,
    requests: result.requests.total,
    requestsPerSec: result.requests.mean,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures: wrongStatus + mismatches + result.errors + result.timeouts,
    statusCounts,
    bodyBytes: scenario.bodyBytes,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

export interface CapturedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** One request through node:http, to see the exact headers and framing Next sends. */
export function captureResponse(url: string, headers: Record<string, string> = {}): Promise<CapturedResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
        }
        resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks) });
      });
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${url} in 30 s`)));
    req.on("error", reject);
  });
}

export interface BaselineServer {
  url: string;
  close(): Promise<void>;
}

/**
 * A bare node:http server answering every request with `captured`'s bytes and headers, in
 * a process of its own (bench/floor): a worker thread of the load generator's process
 * shares its CPU and reached a fraction of what a separate process does.
 */
export async function startBaselineServer(captured: CapturedResponse): Promise<BaselineServer> {
  const floor = await startBytesFloor(captured, floorPort());
  return { url: floor.url, close: () => floor.stop() };
}
