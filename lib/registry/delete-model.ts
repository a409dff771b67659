import "server-only";
import { ApiError } from "@/lib/api/errors";
import { deleteModelByName } from "@/lib/db/queries/models";
import { logger } from "@/lib/log/logger";
import { invalidateFingerprint } from "./fingerprint-cache";
import { publishRegistryChange } from "./registry-events";

/** Remove a model from every listing at once; nodes drop their copies on their next sync. */
export async function deleteModel({ name }: { name: string }): Promise<void> {
  const deleted = await deleteModelByName({ name });
  if (!deleted) throw new ApiError("model_not_found", `The model '${name}' is not registered.`);
  invalidateFingerprint();
  await publishRegistryChange(deleted.version);
  logger.info({ event: "model.deleted", name: deleted.name }, "model deleted");
}
