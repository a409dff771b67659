// `model add --wait-ready`: poll /v1/models/{name} and /api/nodes?model={name} about once a second
// until an online node has the model ready. On a terminal a live bar (the model's size,
// how many nodes have it ready, the furthest download) is redrawn on stderr; piped, one line (JSON with --json)
// when something changes. Progress never goes to stdout, which stays for the result.
import type { NodeOverview, V1Model, Variant } from "../../lib/api/model-schemas";
import { ApiClientError } from "./api-client";
import { formatSize, percent, plural } from "./display";
import { formatDuration } from "./duration";
import { CliError, ExitCode } from "./exit-codes";
import type { ModelApi } from "./model-api";
import { describeNodeModel, getNodeReports, type SyncProgress, summarizeProgress } from "./sync-status";

export interface WaitOptions {
  api: ModelApi;
  name: string;
  variants: Variant[];
  timeoutMs: number;
  json: boolean;
  intervalMs?: number;
  out?: NodeJS.WriteStream;
}

interface Poll {
  v1: V1Model;
  nodes: NodeOverview[];
  progress: SyncProgress;
}

/** Resolves with the ready model; throws CliError (exit 5) at the deadline. */
export async function waitForReady(opts: WaitOptions): Promise<{ model: V1Model; elapsedMs: number }> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const view = createView(opts);
  let last: Poll | null = null;
  let note: string | null = null;
  try {
    for (;;) {
      try {
        const [v1, nodes] = await Promise.all([opts.api.getV1(opts.name), opts.api.nodes(opts.name)]);
        last = {
          v1: v1.data,
          nodes: nodes.data.nodes,
          progress: summarizeProgress(v1.data, nodes.data.nodes, opts.variants),
        };
        note = null;
      } catch (err) {
        if (!(err instanceof ApiClientError) || !err.transient) {
          if (err instanceof ApiClientError && err.status === 404 && err.fromServer) {
            throw new CliError(`${opts.name} was deleted while waiting for it`, ExitCode.notFound);
          }
          throw err;
        }
        // The server restarting under us is not the end of the wait.
        note = `llmlb server: ${err.message}; retrying`;
      }
      const elapsedMs = Date.now() - started;
      view.update(last?.progress ?? null, note, elapsedMs);
      if (last?.progress.ready) return { model: last.v1, elapsedMs };
      const left = deadline - Date.now();
      if (left <= 0) break;
      await new Promise((r) => setTimeout(r, Math.min(opts.intervalMs ?? 1000, left)));
    }
  } finally {
    view.done();
  }
  throw new CliError(timeoutMessage(opts, last, note), ExitCode.timeout);
}

function timeoutMessage(opts: WaitOptions, last: Poll | null, note: string | null): string {
  const head = `timed out after ${formatDuration(opts.timeoutMs)}: ${opts.name} is registered but not ready yet`;
  if (!last) return `${head} (${note ?? "no answer from the server"})`;
  const reports = getNodeReports(last.nodes, opts.name).filter((r) => r.online);
  if (reports.length === 0) return `${head}: no node is online (start one with: llmlb node run)`;
  const lines = reports.map((r) => `  ${r.name}: ${describeNodeModel(r.model)}`);
  return `${head}; the nodes report:\n${lines.join("\n")}`;
}

/** The one-line status, without the elapsed time. */
function describe(name: string, p: SyncProgress | null, note: string | null): string {
  if (!p) return `${name}: ${note ?? "waiting for the server"}`;
  const parts: string[] = [];
  if (p.onlineNodes === 0) parts.push("waiting: no node is online (start one with: llmlb node run)");
  else if (p.reportingNodes === 0) parts.push(`waiting for ${plural(p.onlineNodes, "online node")} to pick it up`);
  else {
    const nodes = `${p.readyNodes} of ${plural(p.onlineNodes, "node")} ready`;
    parts.push(p.modelBytes.max > 0 ? `${describeSize(p.modelBytes)} · ${nodes}` : nodes);
    if (p.downloadingNodes > 0) parts.push(describeDownloads(p));
    if (p.pendingNodes > 0) parts.push(`${p.pendingNodes} pending`);
  }
  for (const problem of p.problems) parts.push(`${problem.node}: ${problem.code}`);
  if (note) parts.push(note);
  return `${name}: ${parts.join(", ")}`;
}

/** One copy's size: nodes that chose different variants hold copies of different sizes. */
function describeSize({ min, max }: SyncProgress["modelBytes"]): string {
  return min === max ? formatSize(max) : `${formatSize(min)}–${formatSize(max)}`;
}

/** "1 downloading: 5.6 MB (40%)"; of several, the one furthest along. */
function describeDownloads(p: SyncProgress): string {
  if (p.bytesTotal <= 0) return `${p.downloadingNodes} downloading`;
  const figures = `${formatSize(p.bytesDone)} (${percent(p.bytesDone, p.bytesTotal)})`;
  return p.downloadingNodes === 1
    ? `1 downloading: ${figures}`
    : `${p.downloadingNodes} downloading, furthest ${figures}`;
}

/** How far the wait is: full once a node has it ready, else the furthest download. */
function bar(p: SyncProgress | null, width = 24): string {
  const ratio = !p ? 0 : p.readyNodes > 0 ? 1 : p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 0;
  const filled = Math.round(ratio * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

function createView(opts: WaitOptions) {
  const out = opts.out ?? process.stderr;
  out.on?.("error", () => {});
  const tty = Boolean(out.isTTY);
  let drawn = false;
  let lastLine = "";
  let lastKey = "";
  let lastPrint = 0;
  const clear = () => {
    if (drawn) out.write("\r\x1b[2K");
    drawn = false;
  };
  // Ctrl-C while the bar is drawn: leave the terminal on a clean line.
  const onSigint = () => {
    clear();
    out.write(`${opts.name} stays registered; nodes keep syncing it.\n`);
    process.exit(130);
  };
  if (tty) process.once("SIGINT", onSigint);
  return {
    update(p: SyncProgress | null, note: string | null, elapsedMs: number) {
      const line = describe(opts.name, p, note);
      if (tty) {
        const text = `${bar(p)} ${line.slice(opts.name.length + 2)}  ${formatDuration(elapsedMs)}`;
        const width = Math.max(40, (out.columns || 100) - 1);
        clear();
        out.write(`${opts.name} ${text}`.slice(0, width));
        drawn = true;
        return;
      }
      // Piped: on change, and bytes alone at most every 10 s, so logs stay readable.
      const key = p
        ? `${p.state}|${p.readyNodes}|${p.onlineNodes}|${p.reportingNodes}|${p.downloadingNodes}|${p.pendingNodes}|${p.problems.length}|${note}`
        : line;
      const now = Date.now();
      if (line === lastLine || (key === lastKey && now - lastPrint < 10_000)) return;
      lastLine = line;
      lastKey = key;
      lastPrint = now;
      if (!opts.json) out.write(`${line}\n`);
      else out.write(`${JSON.stringify(toJsonEvent(opts.name, p, note, elapsedMs))}\n`);
    },
    done() {
      clear();
      if (tty) process.off("SIGINT", onSigint);
    },
  };
}

function toJsonEvent(name: string, p: SyncProgress | null, note: string | null, elapsedMs: number) {
  return {
    event: "sync",
    model: name,
    state: p?.state ?? null,
    ready_nodes: p?.readyNodes ?? 0,
    online_nodes: p?.onlineNodes ?? 0,
    downloading_nodes: p?.downloadingNodes ?? 0,
    pending_nodes: p?.pendingNodes ?? 0,
    model_bytes: p?.modelBytes.max ?? 0,
    bytes_done: p?.bytesDone ?? 0,
    bytes_total: p?.bytesTotal ?? 0,
    errors: p?.problems ?? [],
    note,
    elapsed_ms: elapsedMs,
  };
}
