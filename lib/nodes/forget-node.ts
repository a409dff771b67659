import "server-only";
import { recorded } from "@/lib/activity/record";
import { ApiError } from "@/lib/api/errors";
import { deleteNodeById } from "@/lib/db/queries/nodes";
import { logger } from "@/lib/log/logger";
import { invalidateFingerprint } from "@/lib/registry/fingerprint-cache";

/** Forget a node and its reported states; a node still running appears again at its next announcement. */
export async function forgetNode({ id, actor }: { id: string; actor: string }): Promise<void> {
  await recorded(
    { actor, action: "node.forgotten", target: id },
    async () => {
      const node = await deleteNodeById({ id });
      if (!node) throw new ApiError("node_not_found", `No node with id ${id}.`);
      return node;
    },
    (node) => ({ target: node.name, detail: `id ${id}` }),
  );
  invalidateFingerprint();
  logger.info({ event: "node.deleted", id }, "node forgotten");
}
