import "server-only";
import { recorded } from "@/lib/activity/record";
import { ApiError } from "@/lib/api/errors";
import { deleteModelByName } from "@/lib/db/queries/models";
import { logger } from "@/lib/log/logger";
import { invalidateFingerprint } from "./fingerprint-cache";
import { publishRegistryChange } from "./registry-events";

/** Remove a model from every listing at once; nodes drop their copies on their next sync. */
export async function deleteModel({ name, actor }: { name: string; actor: string }): Promise<void> {
  const deleted = await recorded(
    { actor, action: "model.deleted", target: name },
    async () => {
      const row = await deleteModelByName({ name });
      if (!row) throw new ApiError("model_not_found", `The model '${name}' is not registered.`);
      return row;
    },
    (row) => ({ target: row.name }),
  );
  invalidateFingerprint();
  await publishRegistryChange(deleted.version);
  logger.info({ event: "model.deleted", name: deleted.name }, "model deleted");
}
