import "server-only";
import { ApiError } from "@/lib/api/errors";
import { deleteNodeById } from "@/lib/db/queries/nodes";
import { logger } from "@/lib/log/logger";
import { invalidateFingerprint } from "@/lib/registry/fingerprint-cache";

/** Forget a node and its reported states; a node still running appears again at its next announcement. */
export async function forgetNode({ id }: { id: string }): Promise<void> {
  if (!(await deleteNodeById({ id }))) throw new ApiError("node_not_found", `No node with id ${id}.`);
  invalidateFingerprint();
  logger.info({ event: "node.deleted", id }, "node forgotten");
}
