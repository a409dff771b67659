import "server-only";
import { getFleetFigures } from "@/lib/db/queries/fleet-metrics";
import { logger } from "@/lib/log/logger";
import { nodeOfflineAfterSeconds } from "@/lib/nodes/constants";
import { metrics } from "./registry";

/** At most this many models and this many nodes get series of their own in one scrape. */
export const maxLabelledSeries = 1_000;

/**
 * The Prometheus text of this instance: its counters, and the fleet gauges read from the
 * database now. While the database does not answer, the counters are still served (an
 * outage is when they matter most) with llmlb_database_up 0, the node and model counts
 * at 0 and no per-model or per-node series.
 */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  let figures: Awaited<ReturnType<typeof getFleetFigures>> | null = null;
  try {
    figures = await getFleetFigures({ offlineAfterSeconds: nodeOfflineAfterSeconds, limit: maxLabelledSeries });
  } catch (err) {
    logger.warn({ event: "metrics.fleet_unavailable", err }, "metrics: the fleet gauges could not be read");
  }
  // Reset and set with no await between them and the serialization below starting, so
  // two scrapes at once never mix their figures, and a deleted model or node disappears.
  const { modelNodes, nodeDownloadedBytes, nodesKnown, nodesOnline, modelsRegistered, databaseUp } = metrics;
  for (const gauge of [modelNodes, nodeDownloadedBytes, nodesKnown, nodesOnline, modelsRegistered]) gauge.reset();
  databaseUp.set(figures ? 1 : 0);
  if (figures) {
    nodesKnown.set(figures.nodes);
    nodesOnline.set(figures.onlineNodes);
    modelsRegistered.set(figures.models);
    for (const m of figures.modelNodes) {
      modelNodes.set({ model: m.model, state: "ready" }, m.ready);
      modelNodes.set({ model: m.model, state: "downloading" }, m.downloading);
      modelNodes.set({ model: m.model, state: "error" }, m.error);
    }
    for (const n of figures.nodeBytes) nodeDownloadedBytes.set({ node: n.node }, n.bytes);
  }
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
