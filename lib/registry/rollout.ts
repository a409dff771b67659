import "server-only";
import { recorded } from "@/lib/activity/record";
import { ApiError } from "@/lib/api/errors";
import type { RolloutProgress } from "@/lib/api/model-schemas";
import {
  type Changed,
  dropCandidate,
  listAutoRollouts,
  listRolloutNodes,
  type RolloutNodeRow,
  storeCandidate,
  swapCurrent,
} from "@/lib/db/queries/rollout";
import type { Model } from "@/lib/db/schema";
import type { CandidateCommit } from "@/lib/db/upstream-types";
import { shortCommit } from "@/lib/format/commit";
import { parseDurationMs } from "@/lib/format/duration";
import { logger } from "@/lib/log/logger";
import { nodeOfflineAfterSeconds } from "@/lib/nodes/constants";
import type { Manifest } from "./build-manifest";
import { invalidateFingerprint } from "./fingerprint-cache";
import { getRegisteredModel } from "./get-model";
import { publishRegistryChange } from "./registry-events";

// Staged updates (docs/upstream.md): a candidate commit rolls out beside the current one,
// which keeps serving; a promotion makes it current in one transaction; the previous commit
// stays on nodes for a grace period, so a rollback needs no download.

const defaultGraceMs = 24 * 3_600_000;

/** How long nodes keep the previous commit after a promotion or rollback (LLMLB_ROLLBACK_GRACE). */
export function rollbackGraceMs(): number {
  const raw = process.env.LLMLB_ROLLBACK_GRACE?.trim();
  if (!raw) return defaultGraceMs;
  const ms = parseDurationMs(raw, 30 * 24 * 3_600_000);
  if (ms === null) throw new Error(`LLMLB_ROLLBACK_GRACE must be a duration up to 30 days, like 24h or 30m: ${raw}`);
  return ms;
}

async function published(changed: Changed): Promise<Model> {
  invalidateFingerprint();
  await publishRegistryChange(changed.version);
  return changed.model;
}

function meanwhile(name: string): ApiError {
  return new ApiError("conflict", `${name} changed meanwhile (another update, promotion or rollback); try again.`);
}

/** The candidate a manifest makes, staged now by `actor`. */
export function toCandidate(commit: string, manifest: Manifest, actor: string): CandidateCommit {
  return {
    commit,
    size_bytes: manifest.size_bytes,
    formats: [...new Set(manifest.variants.filter((v) => v.complete).map((v) => v.format))],
    warnings: manifest.warnings,
    variants: manifest.variants,
    artifacts: manifest.artifacts,
    staged_at: new Date().toISOString(),
    staged_by: actor,
  };
}

/** Store a candidate built by the caller (an update, an automatic follow, a late rollback). */
export async function stageCandidate(
  model: Model,
  candidate: CandidateCommit,
  actor: string,
  action: "staged" | "rolled_back" = "staged",
): Promise<Model> {
  const changed = await storeCandidate({
    id: model.id,
    expectCommit: model.commit,
    candidate,
    entry: {
      action,
      actor,
      fromCommit: model.commit,
      toCommit: candidate.commit,
      detail: action === "rolled_back" ? "staged: no node still holds it" : null,
    },
  });
  if (!changed) throw meanwhile(model.name);
  logger.info({ event: "model.staged", name: model.name, commit: candidate.commit, actor }, "update staged");
  const stored = await published(changed);
  if (stored.follow === "auto") promoteWhenReady([stored.id]);
  return stored;
}

/** `GET /api/models/{name}/rollout`: where the candidate stands on every node. */
export async function getRolloutProgress({ name }: { name: string }): Promise<RolloutProgress> {
  const model = await getRegisteredModel({ name });
  return rolloutOf(model);
}

async function rolloutOf(model: Model): Promise<RolloutProgress> {
  const commit = model.candidate?.commit ?? null;
  if (!commit) return { candidate: null, needed: 0, ready: 0, promotable: false, nodes: [] };
  const rows = await listRolloutNodes({ modelId: model.id, commit, offlineAfterSeconds: nodeOfflineAfterSeconds });
  const nodes = rows.map((r) => ({
    node_id: r.node_id,
    node: r.node,
    online: r.online,
    current_state: r.current_state as RolloutProgress["nodes"][number]["current_state"],
    state: r.state as RolloutProgress["nodes"][number]["state"],
    variant: r.variant,
    bytes_done: r.bytes_done,
    bytes_total: r.bytes_total,
    error: r.error_code ? { code: r.error_code, message: r.error_message } : null,
    holds_back: holdsBack(r),
  }));
  const needed = rows.filter((r) => r.online && r.current_state === "ready").length;
  const waiting = nodes.filter((n) => n.holds_back).length;
  return { candidate: commit, needed, ready: needed - waiting, promotable: waiting === 0, nodes };
}

/** Online, serving the current commit, and without the candidate ready: a promotion now would leave it behind. */
function holdsBack(r: RolloutNodeRow): boolean {
  return r.online && r.current_state === "ready" && r.state !== "ready";
}

/**
 * `POST /api/models/{name}/promote`: make the candidate current. Refused (409, naming them)
 * while online nodes serving the current commit do not have it ready, unless `force`.
 */
export async function promoteModel({
  name,
  force = false,
  actor,
}: {
  name: string;
  force?: boolean;
  actor: string;
}): Promise<{ model: Model; notReady: string[] }> {
  return recorded(
    { actor, action: "model.promoted", target: name, detail: force ? "with force" : null },
    () => promoteCandidate({ name, force, actor }),
    ({ model, notReady }) => ({
      target: model.name,
      detail: `to ${shortCommit(model.commit)}${notReady.length ? `, forced: not ready on ${notReady.join(", ")}` : ""}`,
    }),
  );
}

async function promoteCandidate({ name, force, actor }: { name: string; force: boolean; actor: string }) {
  const model = await getRegisteredModel({ name });
  if (!model.candidate) throw new ApiError("conflict", `${model.name} has no staged update to promote.`);
  const progress = await rolloutOf(model);
  const notReady = progress.nodes.filter((n) => n.holds_back).map((n) => n.node);
  if (notReady.length > 0 && !force) {
    throw new ApiError(
      "conflict",
      `${shortCommit(model.candidate.commit)} is not ready on ${notReady.length} of ${progress.needed} nodes serving ${model.name} (${notReady.slice(0, 5).join(", ")}${notReady.length > 5 ? ", …" : ""}); promote with force to switch anyway: those nodes stop serving it until they have it.`,
      { details: { not_ready: notReady } },
    );
  }
  const promoted = await promote(model, actor, notReady);
  return { model: promoted, notReady };
}

async function promote(model: Model, actor: string, notReady: string[]): Promise<Model> {
  const to = model.candidate?.commit;
  if (!to) throw meanwhile(model.name);
  const changed = await swapCurrent({
    id: model.id,
    from: model.commit,
    to,
    source: "candidate",
    keepUntil: new Date(Date.now() + rollbackGraceMs()),
    entry: {
      action: "promoted",
      actor,
      fromCommit: model.commit,
      toCommit: to,
      detail: notReady.length ? `forced: not ready on ${notReady.join(", ")}`.slice(0, 500) : null,
    },
  });
  if (!changed) throw meanwhile(model.name);
  logger.info({ event: "model.promoted", name: model.name, from: model.commit, to, actor }, "candidate promoted");
  return published(changed);
}

/**
 * `POST /api/models/{name}/rollback`: the previous commit current again. At once when an
 * online node still holds it ready (nodes that do not download it again); else as a staged
 * update to it, so the current commit keeps serving until the fleet has it.
 */
export async function rollbackModel({ name, actor }: { name: string; actor: string }): Promise<Model> {
  return recorded(
    { actor, action: "model.rolled_back", target: name },
    () => rollBack({ name, actor }),
    (model) => ({
      target: model.name,
      detail: model.candidate
        ? `staged ${shortCommit(model.candidate.commit)}: no node still holds it`
        : `to ${shortCommit(model.commit)}`,
    }),
  );
}

async function rollBack({ name, actor }: { name: string; actor: string }): Promise<Model> {
  const model = await getRegisteredModel({ name });
  const previous = model.previous;
  if (!previous) throw new ApiError("conflict", `${model.name} has no previous commit to roll back to.`);
  const rows = await listRolloutNodes({
    modelId: model.id,
    commit: previous.commit,
    offlineAfterSeconds: nodeOfflineAfterSeconds,
  });
  const holding = rows.filter((r) => r.online && r.state === "ready").map((r) => r.node);
  if (holding.length === 0) {
    const { keep_until: _, ...kept } = previous;
    return stageCandidate(
      model,
      { ...kept, staged_at: new Date().toISOString(), staged_by: actor },
      actor,
      "rolled_back",
    );
  }
  const changed = await swapCurrent({
    id: model.id,
    from: model.commit,
    to: previous.commit,
    source: "previous",
    keepUntil: new Date(Date.now() + rollbackGraceMs()),
    entry: {
      action: "rolled_back",
      actor,
      fromCommit: model.commit,
      toCommit: previous.commit,
      detail: `at once: held by ${holding.length} ${holding.length === 1 ? "node" : "nodes"}`,
    },
  });
  if (!changed) throw meanwhile(model.name);
  logger.info({ event: "model.rolled_back", name: model.name, to: previous.commit, actor }, "rolled back");
  return published(changed);
}

/** `DELETE /api/models/{name}/candidate`: drop the staged update; nodes drop its files. */
export async function cancelCandidate({ name, actor }: { name: string; actor: string }): Promise<Model> {
  return recorded(
    { actor, action: "model.update_cancelled", target: name },
    () => dropStaged({ name, actor }),
    (model) => ({
      target: model.name,
    }),
  );
}

async function dropStaged({ name, actor }: { name: string; actor: string }): Promise<Model> {
  const model = await getRegisteredModel({ name });
  if (!model.candidate) throw new ApiError("conflict", `${model.name} has no staged update to cancel.`);
  const changed = await dropCandidate({
    id: model.id,
    expectCandidate: model.candidate.commit,
    entry: { action: "cancelled", actor, fromCommit: model.commit, toCommit: model.candidate.commit },
  });
  if (!changed) throw meanwhile(model.name);
  logger.info({ event: "model.cancelled", name: model.name, actor }, "staged update cancelled");
  return published(changed);
}

/** Promotions being decided in this process, by model id: one at a time per model. */
const deciding = new Set<string>();
/** Asked for while being decided: the decision may have read the nodes before the change that asked. */
const askedAgain = new Set<string>();

/**
 * For each of these models that follows `auto`: promote its candidate once it is ready on
 * every online node that serves the current commit. In the background: a heartbeat never
 * waits for it.
 */
export function promoteWhenReady(modelIds: string[]): void {
  for (const id of modelIds) if (deciding.has(id)) askedAgain.add(id);
  const ids = modelIds.filter((id) => !deciding.has(id));
  if (ids.length === 0) return;
  for (const id of ids) deciding.add(id);
  void (async () => {
    const autos = new Map<string, Model>();
    try {
      for (const m of await listAutoRollouts()) autos.set(m.id, m);
    } catch (error) {
      logger.warn({ event: "model.auto_promote_failed", err: error }, "automatic promotion failed");
    }
    for (const id of ids) {
      try {
        const model = autos.get(id);
        if (!model?.candidate) continue;
        if ((await rolloutOf(model)).promotable) await promote(model, "auto-promote", []);
      } catch (error) {
        logger.warn({ event: "model.auto_promote_failed", id, err: error }, "automatic promotion failed");
      } finally {
        deciding.delete(id);
        if (askedAgain.delete(id)) promoteWhenReady([id]);
      }
    }
  })();
}

/** Every `auto` model with a candidate, looked at again (a node that held one back went offline). */
export async function promoteDueRollouts(): Promise<void> {
  const ids = (await listAutoRollouts()).map((m) => m.id);
  if (ids.length) promoteWhenReady(ids);
}
