import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { SyncBody } from "@/lib/api/node-schemas";
import type { Principal } from "@/lib/auth/api-keys";
import { hasPgErrorCode } from "@/lib/db/errors";
import { getRegistryFingerprint } from "@/lib/db/queries/models";
import { applyNodeSync, getNodeById } from "@/lib/db/queries/nodes";
import { logger } from "@/lib/log/logger";
import { invalidateFingerprint } from "@/lib/registry/fingerprint-cache";
import { registryEtag } from "@/lib/registry/list-models";
import { heartbeatIntervalSeconds } from "./constants";

/** A heartbeat with the node's full snapshot of per-model states. */
export async function syncNode({ nodeId, body, principal }: { nodeId: string; body: SyncBody; principal: Principal }) {
  const node = await getNodeById({ id: nodeId });
  if (!node) throw nodeNotFound(nodeId);
  if (principal.scope !== "admin" && !(principal.kind === "key" && principal.keyId === node.apiKeyId)) {
    throw new ApiError(
      "forbidden",
      `Node ${node.name} was announced with another key; only that key can report for it.`,
    );
  }
  const result = await applyNodeSyncRetrying({
    nodeId,
    freeDiskBytes: body.free_disk_bytes,
    states: body.models.map((m) => ({
      name: m.name,
      commit: m.commit ?? null,
      state: m.state,
      variant: m.variant ?? null,
      bytesDone: m.bytes_done ?? null,
      bytesTotal: m.bytes_total ?? null,
      // "unsupported" keeps its reason (which variants the model offers) for the console.
      errorCode: m.state === "error" ? (m.error?.code ?? "unknown") : m.state === "unsupported" ? "unsupported" : null,
      errorMessage: m.state === "error" || m.state === "unsupported" ? (m.error?.message ?? null) : null,
    })),
  });
  if (!result.found) throw nodeNotFound(nodeId);
  if (result.changed) invalidateFingerprint();
  if (result.changed) logger.info({ event: "node.sync_changed", node: node.name }, "node sync state changed");
  const fingerprint = await getRegistryFingerprint();
  return { heartbeat_interval_s: heartbeatIntervalSeconds, registry_etag: registryEtag(fingerprint) };
}

// A model deleted between reading the names and writing the states fails the foreign
// key; the retry reads the names again and simply ignores the deleted model.
async function applyNodeSyncRetrying(input: Parameters<typeof applyNodeSync>[0]) {
  try {
    return await applyNodeSync(input);
  } catch (error) {
    if (!hasPgErrorCode(error, "23503")) throw error;
    return applyNodeSync(input);
  }
}

function nodeNotFound(id: string): ApiError {
  return new ApiError("node_not_found", `No node with id ${id}: announce it again with POST /api/nodes.`);
}
