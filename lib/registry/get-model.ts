import "server-only";
import { ApiError } from "@/lib/api/errors";
import { getModelByName } from "@/lib/db/queries/models";
import { getSyncSummaries } from "@/lib/nodes/sync-summary";
import { toModelDetail, toOpenAiModel } from "./serialize";

/** A registered model by name (case-insensitive), or `model_not_found`. */
export async function getRegisteredModel({ name }: { name: string }) {
  const model = await getModelByName({ name });
  if (!model) throw new ApiError("model_not_found", `The model '${name}' is not registered.`);
  return model;
}

/** One model as `GET /v1/models/{name}` shows it, with its sync summary. */
export async function getOpenAiModel({ name }: { name: string }) {
  return (await readWithSync({ name })).openAi;
}

/**
 * One model as its console page first shows it: the `GET /v1/models/{name}` object the
 * page then keeps live, and the registration as `GET /api/models/{name}` shows it.
 */
export async function getConsoleModel({ name }: { name: string }) {
  const { model, openAi } = await readWithSync({ name });
  return { model: openAi, detail: toModelDetail(model) };
}

async function readWithSync({ name }: { name: string }) {
  const model = await getRegisteredModel({ name });
  const syncOf = await getSyncSummaries({ modelId: model.id });
  return { model, openAi: toOpenAiModel(model, syncOf(model.id)) };
}
