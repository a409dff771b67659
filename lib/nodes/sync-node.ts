import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { SyncEnvelope, SyncResponse } from "@/lib/api/node-schemas";
import { toApiError } from "@/lib/api/respond";
import { combineHashes, parseDigest } from "@/lib/api/sync-digest";
import type { Principal } from "@/lib/auth/api-keys";
import { getNodeSync, markNodeSeen, type NodeSync } from "@/lib/db/queries/nodes";
import { normalizeEtag } from "@/lib/format/etag";
import { logger } from "@/lib/log/logger";
import { errorCodeOf, metrics } from "@/lib/metrics/registry";
import { getRecentFingerprint, invalidateFingerprint } from "@/lib/registry/fingerprint-cache";
import { registryEtag } from "@/lib/registry/list-models";
import { promoteWhenReady } from "@/lib/registry/rollout";
import { applyNodeSync, type SyncOutcome } from "./apply-node-sync";
import { heartbeatIntervalSeconds, nodeOfflineAfterSeconds } from "./constants";
import { withFullStateGate } from "./full-state-gate";
import { recordHeartbeat } from "./liveness";
import { type ReadSyncEntries, readSyncEntries } from "./read-sync-entries";
import { type NodeStateInput, toStateInputs } from "./sync-rules";

/**
 * A heartbeat. The node's liveness depends on nothing it carries: a body refused whole
 * (too large, too many entries, not JSON) still records that the node is alive, and
 * entries are checked one by one, the answer listing those refused. Liveness is noted in
 * memory and written in batches (liveness.ts); states are written only when they change:
 * a heartbeat that changes nothing costs one read of the node's row. docs/sync-protocol.md
 * describes the two forms: a full list (agents before the protocol) and deltas.
 */
export async function syncNode(heartbeat: Heartbeat): Promise<SyncResponse> {
  metrics.heartbeatsReceived.inc();
  try {
    return await takeHeartbeat(heartbeat);
  } catch (error) {
    metrics.heartbeatsRejected.inc({ code: errorCodeOf(error) });
    throw error;
  }
}

type Heartbeat = {
  nodeId: string;
  readBody: () => Promise<SyncEnvelope>;
  /** The body's Content-Length; null when the client did not say. */
  bodyBytes: number | null;
  principal: Principal;
};

async function takeHeartbeat(heartbeat: Heartbeat): Promise<SyncResponse> {
  const { nodeId, principal, bodyBytes } = heartbeat;
  const node = await getNodeSync({ id: nodeId });
  if (!node) throw nodeNotFound(nodeId);
  if (principal.scope !== "admin" && !(principal.kind === "key" && principal.keyId === node.apiKeyId)) {
    throw new ApiError(
      "forbidden",
      `Node ${node.name} was announced with another key; only that key can report for it.`,
    );
  }
  // A large body (a full state) waits for a place before it is even read: refusing one
  // must cost nearly nothing, or a fleet sending them all at once never settles.
  if (bodyBytes === null || bodyBytes > largeBodyBytes) {
    return withFullStateGate(
      () => storeHeartbeat(heartbeat, node),
      () => recordHeartbeat(nodeId, node.seenAgoS, null),
    );
  }
  return storeHeartbeat(heartbeat, node);
}

/** Bodies above this wait their turn (full-state-gate.ts): a full state of about a hundred models. */
const largeBodyBytes = 16 * 1024;

async function storeHeartbeat({ nodeId, readBody }: Heartbeat, node: NodeSync): Promise<SyncResponse> {
  let body: SyncEnvelope;
  try {
    body = await readBody();
  } catch (error) {
    throw await refusedButAlive(nodeId, node.name, error);
  }
  const entries = readSyncEntries(body);
  if (!(await recordHeartbeat(nodeId, node.seenAgoS, entries.freeDiskBytes))) throw nodeNotFound(nodeId);
  // A node back from offline was written through: the online set moved, so listings on this
  // instance show it at once rather than after the shared fingerprint's 250 ms.
  if (node.seenAgoS >= nodeOfflineAfterSeconds) invalidateFingerprint();
  if (entries.refused.length > 0) {
    metrics.heartbeatEntriesRefused.inc(entries.refused.length);
    logger.warn(
      { event: "node.sync_refused", node: node.name, refused: entries.refused.length, first: entries.refused[0] },
      "heartbeat entries refused",
    );
  }
  const states = toStateInputs(entries);
  const answer = body.protocol === 2 ? await syncDelta(node, body, states) : await syncFullList(node, entries, states);
  if (answer.outcome?.found === false) throw nodeNotFound(nodeId);
  if (answer.outcome?.found && answer.outcome.changed) {
    invalidateFingerprint();
    logger.info({ event: "node.sync_changed", node: node.name }, "node sync state changed");
  }
  // A candidate became ready here: with `auto`, it may now be ready everywhere it must be.
  if (answer.outcome?.found && answer.outcome.candidatesReady.length > 0) {
    promoteWhenReady(answer.outcome.candidatesReady);
  }
  const fingerprint = await getRecentFingerprint();
  const etag = registryEtag(fingerprint);
  const snapshot = answer.snapshot || askSnapshotForDigest(node, body, etag, answer.digest);
  return {
    heartbeat_interval_s: heartbeatIntervalSeconds,
    registry_etag: etag,
    refused: entries.refused,
    ...(body.protocol === 2 ? { acked: answer.acked, snapshot } : {}),
  };
}

type Answer = { outcome?: SyncOutcome; acked: number; snapshot: boolean; digest: bigint };

/**
 * An agent of before the protocol sends its whole list every time. When the list hashes to
 * what is stored and nothing in it is downloading (no progress to record), there is nothing
 * to write; otherwise the stored set becomes the list.
 */
async function syncFullList(node: NodeSync, entries: ReadSyncEntries, states: NodeStateInput[]): Promise<Answer> {
  const same =
    node.syncSession === null &&
    entries.refused.length === 0 &&
    !states.some((s) => s.state === "downloading") &&
    combineHashes(states.map((s) => s.reportHash)) === node.stateDigest;
  if (same) return { acked: 0, snapshot: false, digest: node.stateDigest };
  const outcome = await applyNodeSync({ nodeId: node.id, states, mode: { kind: "full", session: null, seq: 0 } });
  return { outcome, acked: 0, snapshot: false, digest: outcome.found ? outcome.digest : 0n };
}

/** The delta protocol: a full state, the next changes of the session, or nothing new. */
async function syncDelta(node: NodeSync, body: SyncEnvelope, states: NodeStateInput[]): Promise<Answer> {
  const { session, seq } = body;
  if (!session || seq === undefined) return { acked: 0, snapshot: true, digest: node.stateDigest };
  if (body.full) {
    const outcome = await applyNodeSync({ nodeId: node.id, states, mode: { kind: "full", session, seq } });
    return { outcome, acked: seq, snapshot: false, digest: outcome.found ? outcome.digest : 0n };
  }
  // Not this node's current session (first contact, a restarted agent, a lost snapshot).
  if (node.syncSession !== session) return { acked: 0, snapshot: true, digest: node.stateDigest };
  const removed = body.removed ?? [];
  const removedCommits = body.removed_commits ?? [];
  if (states.length === 0 && removed.length === 0 && removedCommits.length === 0) {
    return { acked: node.syncSeq, snapshot: false, digest: node.stateDigest };
  }
  const outcome = await applyNodeSync({
    nodeId: node.id,
    states,
    mode: { kind: "delta", session, seq, removed, removedCommits },
  });
  if (!outcome.found) return { outcome, acked: 0, snapshot: false, digest: 0n };
  return { outcome, acked: outcome.seq, snapshot: !outcome.sessionMatched, digest: outcome.digest };
}

// A digest that disagrees asks for the full state, but not on every heartbeat: a state the
// server cannot store the agent's way (an entry it refuses) would otherwise cost a full
// list every time.
const snapshotAskedAt = new Map<string, number>();
const SNAPSHOT_ASK_EVERY_MS = 5 * 60_000;

/**
 * Compared only when the agent's state reflects the current registry: a model deleted a
 * moment ago is still in an agent's state until its next listing.
 */
function askSnapshotForDigest(node: NodeSync, body: SyncEnvelope, etag: string, digest: bigint): boolean {
  if (body.protocol !== 2 || !body.digest || !body.registry_etag) return false;
  if (normalizeEtag(body.registry_etag) !== normalizeEtag(etag)) return false;
  if (parseDigest(body.digest) === digest) return false;
  const now = Date.now();
  if (now - (snapshotAskedAt.get(node.id) ?? 0) < SNAPSHOT_ASK_EVERY_MS) return false;
  if (snapshotAskedAt.size > 100_000) snapshotAskedAt.clear();
  snapshotAskedAt.set(node.id, now);
  logger.info({ event: "node.sync_digest_mismatch", node: node.name }, "node state digest disagrees; asking for all");
  return true;
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
