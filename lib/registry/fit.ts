import "server-only";
import { type FitReport, type FitVariant, fitReport } from "@/lib/api/fit";
import { listNodes } from "@/lib/db/queries/nodes";
import { nodeOfflineAfterSeconds } from "@/lib/nodes/constants";
import { getRegisteredModel } from "./get-model";

/** Where `variants` fit on the nodes online now, at `context` (default: the model's, at most 8,192). */
export async function fitOnOnlineNodes(variants: FitVariant[], context?: number): Promise<FitReport> {
  const nodes = (await listNodes({ offlineAfterSeconds: nodeOfflineAfterSeconds })).filter((n) => n.online);
  return fitReport(
    variants,
    nodes.map((n) => ({ name: n.name, formats: n.formats, gpus: n.gpus, memory_bytes: n.memoryBytes })),
    context,
  );
}

/** `GET /api/models/{name}/fit`: the node × variant table of a registered model. */
export async function getModelFit({ name, context }: { name: string; context?: number }): Promise<FitReport> {
  const model = await getRegisteredModel({ name });
  return fitOnOnlineNodes(model.variants, context);
}
