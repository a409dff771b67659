import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { RefusedSyncEntry, SyncEnvelope } from "@/lib/api/node-schemas";
import type { Principal } from "@/lib/auth/api-keys";
import { hasPgErrorCode } from "@/lib/db/errors";
import { getRegistryFingerprint } from "@/lib/db/queries/models";
import { applyNodeSync, getNodeById, type NodeStateInput } from "@/lib/db/queries/nodes";
import { logger } from "@/lib/log/logger";
import { invalidateFingerprint } from "@/lib/registry/fingerprint-cache";
import { registryEtag } from "@/lib/registry/list-models";
import { heartbeatIntervalSeconds } from "./constants";
import { invalidReportCode, readSyncEntries } from "./read-sync-entries";

/**
 * A heartbeat with the node's full snapshot of per-model states. Entries are checked one
 * by one: the heartbeat itself (the node's liveness) never fails because of one of them,
 * and the answer lists those refused.
 */
export async function syncNode({
  nodeId,
  body,
  principal,
}: {
  nodeId: string;
  body: SyncEnvelope;
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
  const entries = readSyncEntries(body);
  const states: NodeStateInput[] = entries.models.map((m) => ({
    name: m.name,
    commit: m.commit ?? null,
    state: m.state,
    variant: m.variant ?? null,
    bytesDone: m.bytes_done ?? null,
    bytesTotal: m.bytes_total ?? null,
    // "unsupported" keeps its reason (which variants the model offers) for the console.
    errorCode: m.state === "error" ? (m.error?.code ?? "unknown") : m.state === "unsupported" ? "unsupported" : null,
    errorMessage: m.state === "error" || m.state === "unsupported" ? (m.error?.message ?? null) : null,
  }));
  for (const { name, reason } of entries.invalid) {
    states.push({
      name,
      commit: null,
      state: "error",
      variant: null,
      bytesDone: null,
      bytesTotal: null,
      errorCode: invalidReportCode,
      errorMessage: `The node's report on this model was refused: ${reason}`,
    });
  }
  const result = await applyNodeSyncRetrying({ nodeId, freeDiskBytes: entries.freeDiskBytes, states });
  if (!result.found) throw nodeNotFound(nodeId);
  if (result.changed) invalidateFingerprint();
  if (result.changed) logger.info({ event: "node.sync_changed", node: node.name }, "node sync state changed");
  if (entries.refused.length > 0) {
    logger.warn(
      { event: "node.sync_refused", node: node.name, refused: entries.refused.length, first: entries.refused[0] },
      "heartbeat entries refused",
    );
  }
  const fingerprint = await getRegistryFingerprint();
  return {
    heartbeat_interval_s: heartbeatIntervalSeconds,
    registry_etag: registryEtag(fingerprint),
    refused: entries.refused,
  };
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
