// GET load with autocannon, keeping every latency for percentiles finer than its
// 1 ms histogram.
import { createRequire } from "node:module";

// autocannon ships no types and @types/autocannon is not a dependency: this declares
// only what the bench uses. Loaded with require so no ambient module declaration is
// needed (another bench may declare its own).
interface AutocannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { mean: number; total: number };
  throughput: { mean: number };
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (opts: {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  duration: number;
  timeout: number;
  renderProgressBar: boolean;
  renderResultsTable: boolean;
  renderLatencyTable: boolean;
}) => AutocannonInstance;

const autocannon = createRequire(__filename)("autocannon") as Autocannon;

export interface LoadResult {
  requests: number;
  requestsPerSec: number;
  latenciesMs: number[];
  /** Non-2xx answers, socket errors and timeouts together; should be 0. */
  failures: number;
  bytesPerSec: number;
}

export async function runLoad(opts: {
  url: string;
  apiKey: string;
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
}): Promise<LoadResult> {
  const instance = autocannon({
    url: opts.url,
    headers: { authorization: `Bearer ${opts.apiKey}`, ...opts.headers },
    connections: opts.connections,
    duration: opts.durationS,
    timeout: 10,
    renderProgressBar: false,
    renderResultsTable: false,
    renderLatencyTable: false,
  });
  const latenciesMs: number[] = [];
  instance.on("response", (_client, _status, _bytes, ms) => latenciesMs.push(ms));
  const result = await instance;
  return {
    requests: result.requests.total,
    requestsPerSec: result.requests.mean,
    latenciesMs,
    failures: result.non2xx + result.errors + result.timeouts,
    bytesPerSec: result.throughput.mean,
  };
}
