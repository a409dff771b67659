// GET /metrics – Prometheus text format: this instance's counters and the fleet's gauges
import { withMetricsAccess } from "@/lib/auth/with-metrics-access";
import { renderMetrics } from "@/lib/metrics/render-metrics";

export const dynamic = "force-dynamic";

export const GET = withMetricsAccess(async () => {
  const { contentType, body } = await renderMetrics();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
