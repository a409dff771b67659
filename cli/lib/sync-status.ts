// What the nodes say about one model, from GET /v1/models/{name} and GET /api/nodes:
// per-node rows for `model show`, totals for `model add --wait-ready`.
import type { NodeModelStatus, NodeOverview, V1Model, Variant } from "../../lib/api/model-schemas";
import { formatSize, percent } from "./display";

export interface NodeReport {
  id: string;
  name: string;
  online: boolean;
  last_seen_at: string;
  /** null: the node is online but has not reported this model yet. */
  model: NodeModelStatus | null;
}

export interface SyncProgress {
  ready: boolean;
  state: V1Model["sync"]["state"];
  readyNodes: number;
  onlineNodes: number;
  /** Online nodes that report the model, in any state. */
  reportingNodes: number;
  downloadingNodes: number;
  pendingNodes: number;
  /**
   * What one copy of the model takes: the size of the variant the nodes hold or fetch (the
   * smallest and largest when they chose different ones), 0 while none has said. Never a
   * sum over nodes: two nodes holding 14 MB each hold a 14 MB model.
   */
  modelBytes: { min: number; max: number };
  /** The download furthest along (by its share done), 0 of 0 when no node is downloading. */
  bytesDone: number;
  bytesTotal: number;
  problems: { node: string; code: string; message: string }[];
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Nodes that report the model, then online nodes that do not (yet). */
export function getNodeReports(nodes: NodeOverview[], name: string): NodeReport[] {
  const reports: NodeReport[] = [];
  for (const n of nodes) {
    const model = n.models.find((m) => sameName(m.name, name)) ?? null;
    if (!model && !n.online) continue;
    reports.push({ id: n.id, name: n.name, online: n.online, last_seen_at: n.last_seen_at, model });
  }
  return reports.sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
}

/** Counts over online nodes, the size of one copy of the model, and the furthest download. */
export function summarizeProgress(v1: V1Model, nodes: NodeOverview[], variants: Variant[]): SyncProgress {
  const sizeOf = (variant: string | null) => variants.find((v) => v.name === variant)?.size_bytes ?? 0;
  const progress: SyncProgress = {
    ready: v1.ready,
    state: v1.sync.state,
    readyNodes: v1.sync.ready_nodes,
    onlineNodes: nodes.filter((n) => n.online).length,
    reportingNodes: 0,
    downloadingNodes: 0,
    pendingNodes: 0,
    modelBytes: { min: 0, max: 0 },
    bytesDone: 0,
    bytesTotal: 0,
    problems: [],
  };
  const sizes: number[] = [];
  for (const report of getNodeReports(nodes, v1.id)) {
    const m = report.model;
    if (!report.online || !m) continue;
    progress.reportingNodes++;
    if (m.state === "ready") {
      sizes.push(sizeOf(m.variant) || (m.bytes_total ?? 0));
    } else if (m.state === "downloading") {
      progress.downloadingNodes++;
      const done = m.bytes_done ?? 0;
      const total = m.bytes_total ?? sizeOf(m.variant);
      sizes.push(total);
      const lead = progress.bytesTotal > 0 ? progress.bytesDone / progress.bytesTotal : -1;
      if (total > 0 && done / total > lead) [progress.bytesDone, progress.bytesTotal] = [done, total];
    } else if (m.state === "pending") {
      progress.pendingNodes++;
      sizes.push(sizeOf(m.variant));
    } else {
      progress.problems.push({ node: report.name, code: m.error?.code ?? m.state, message: m.error?.message ?? "" });
    }
  }
  const known = sizes.filter((n) => n > 0);
  if (known.length > 0) progress.modelBytes = { min: Math.min(...known), max: Math.max(...known) };
  return progress;
}

/** "ready (gguf:Q4_K_M)", "downloading 45%, 1.2 MB of 2.6 MB", "error gated: …". */
export function describeNodeModel(m: NodeModelStatus | null): string {
  if (!m) return "not reported yet";
  const variant = m.variant ? ` (${m.variant})` : "";
  switch (m.state) {
    case "ready":
      return `ready${variant}`;
    case "downloading": {
      const done = m.bytes_done ?? 0;
      const total = m.bytes_total ?? 0;
      return `downloading ${percent(done, total)}, ${formatSize(done)} of ${formatSize(total)}${variant}`;
    }
    case "pending":
      return `pending${variant}`;
    case "unsupported":
      return `unsupported${m.error?.message ? `: ${m.error.message}` : ""}`;
    default:
      return `error ${m.error?.code ?? ""}${m.error?.message ? `: ${m.error.message}` : ""}`.trim();
  }
}
