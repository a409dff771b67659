import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { AnnounceNode } from "@/lib/api/node-schemas";
import type { Principal } from "@/lib/auth/api-keys";
import { upsertNode } from "@/lib/db/queries/nodes";
import { logger } from "@/lib/log/logger";
import { heartbeatIntervalSeconds } from "./constants";

/** A node announces itself; announcing again under the same name updates the same node. */
export async function announceNode({ body, principal }: { body: AnnounceNode; principal: Principal }) {
  const row = await upsertNode({
    // Admins may move a node to another key; node keys may not take each other's nodes, nor
    // one no key owns (announced by an admin without a key, or whose key was revoked).
    takeOver: principal.scope === "admin",
    values: {
      name: body.name,
      runtimes: body.runtimes,
      formats: body.formats,
      gpus: body.gpus,
      memoryBytes: body.memory_bytes ?? null,
      freeDiskBytes: body.free_disk_bytes ?? null,
      agentVersion: body.agent_version ?? null,
      // The key that announced the node is the one allowed to report for it.
      apiKeyId: principal.kind === "key" ? principal.keyId : null,
    },
  });
  if (!row) {
    throw new ApiError(
      "conflict",
      `The node name ${body.name} belongs to a node announced with another key (or with an admin key, or a key since revoked): choose another name, forget that node (Nodes page, or DELETE /api/nodes/{id}), or announce it once with an admin key to move it to this key.`,
    );
  }
  logger.info({ event: "node.announced", node: row.name, id: row.id, created: row.created }, "node announced");
  return { id: row.id, name: row.name, heartbeat_interval_s: heartbeatIntervalSeconds, created: row.created };
}
