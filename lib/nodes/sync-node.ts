import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { RefusedSyncEntry, SyncEnvelope } from "@/lib/api/node-schemas";
import { toApiError } from "@/lib/api/respond";
import type { Principal } from "@/lib/auth/api-keys";
import { getNodeById, markNodeSeen } from "@/lib/db/queries/nodes";
import { logger } from "@/lib/log/logger";
import { invalidateFingerprint, readFingerprint } from "@/lib/registry/fingerprint-cache";
import { registryEtag } from "@/lib/registry/list-models";
import { applyNodeSync } from "./apply-node-sync";
import { heartbeatIntervalSeconds } from "./constants";
import { readSyncEntries } from "./read-sync-entries";
import { toStateInputs } from "./sync-rules";

/**
 * A heartbeat with the node's full snapshot of per-model states. The heartbeat itself (the
 * node's liveness) depends on nothing it carries: a body refused whole (too large, too many
 * entries, not JSON) still records that the node is alive, and entries are checked one by
 * one, the answer listing those refused.
 */
export async function syncNode({
  nodeId,
  readBody,
  principal,
}: {
  nodeId: string;
  readBody: () => Promise<SyncEnvelope>;
  principal: Principal;
}): Promise<{ heartbeat_interval_s: number; registry_etag: string; refused: RefusedSyncEntry[] }> {
  const node = await getNodeById({ id: nodeId });
  if (!node) throw nodeNotFound(nodeId);
  if (principal.scope !== "admin" && !(principal.kind === "key" && principal.keyId === node.apiKeyId)) {
    throw new ApiError(
      "forbidden",
      `Node ${node.name} was announced with another key; only that key can report for it.`,
    );
  }
  let body: SyncEnvelope;
  try {
    body = await readBody();
  } catch (error) {
    throw await refusedButAlive(nodeId, node.name, error);
  }
  const entries = readSyncEntries(body);
  const result = await applyNodeSync({ nodeId, freeDiskBytes: entries.freeDiskBytes, states: toStateInputs(entries) });
  if (!result.found) throw nodeNotFound(nodeId);
  if (result.changed) invalidateFingerprint();
  if (result.changed) logger.info({ event: "node.sync_changed", node: node.name }, "node sync state changed");
  if (entries.refused.length > 0) {
    logger.warn(
      { event: "node.sync_refused", node: node.name, refused: entries.refused.length, first: entries.refused[0] },
      "heartbeat entries refused",
    );
  }
  const fingerprint = await readFingerprint();
  return {
    heartbeat_interval_s: heartbeatIntervalSeconds,
    registry_etag: registryEtag(fingerprint),
    refused: entries.refused,
  };
}

/** A heartbeat whose body cannot be taken: the node is alive all the same, and the answer says so. */
async function refusedButAlive(nodeId: string, name: string, error: unknown): Promise<ApiError> {
  const refusal = toApiError(error);
  if (refusal.status >= 500) return refusal;
  await markNodeSeen({ nodeId });
  logger.warn({ event: "node.sync_body_refused", node: name, code: refusal.code }, "heartbeat body refused");
  return new ApiError(
    refusal.code,
    `${refusal.message} The heartbeat still counted for the node's liveness; no state was recorded.`,
    { details: refusal.details, headers: refusal.headers },
  );
}

function nodeNotFound(id: string): ApiError {
  return new ApiError("node_not_found", `No node with id ${id}: announce it again with POST /api/nodes.`);
}
