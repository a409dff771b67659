import "server-only";
import { ApiError } from "@/lib/api/errors";
import {
  type HistoryEntry,
  storeCheckFailure,
  storeUpstreamResult,
  type UpstreamResult,
} from "@/lib/db/queries/upstream";
import type { Model } from "@/lib/db/schema";
import type { UpstreamReason } from "@/lib/db/upstream-types";
import { isPinnedToCommit, shortCommit } from "@/lib/format/commit";
import { fetchModelInfo } from "@/lib/hf/hub-client";
import { isRepoGone } from "@/lib/hf/hub-errors";
import type { HubModelInfo } from "@/lib/hf/model-info";
import { logger } from "@/lib/log/logger";
import { errorCodeOf, metrics } from "@/lib/metrics/registry";
import { buildManifest, type Manifest } from "./build-manifest";
import { stageCandidate, toCandidate } from "./rollout";
import { diffManifests } from "./upstream-diff";
import { withVariantMemory } from "./variant-memory";

// The one check behind the periodic pass, the webhook and "Check for updates"
// (docs/upstream.md): ask the Hub for the revision's head now (never the metadata cache),
// and when it moved, build the manifest it would give and diff it against the pinned one.
// It never changes what is served: the pinned commit stays current.

/** Per model: the check waiting to start (callers join it) behind the one running, if any. */
interface Queue {
  tail: Promise<void>;
  waiting: Promise<Model> | null;
}
const queues = new Map<string, Queue>();

/**
 * Check one model now. A caller joins a check of this process that has not asked the Hub
 * yet; one already asking may have asked before the change the caller knows of (a webhook
 * right after a push), so the caller gets the next check, which starts when that one ends.
 * A Hub outage, a rate limit or a refused token is stored beside the state found before and
 * thrown (424); anything that says upstream is gone is stored as `gone`.
 */
export function checkUpstream({ model, actor }: { model: Model; actor: string }): Promise<Model> {
  if (isPinnedToCommit(model.revision)) {
    return Promise.reject(
      new ApiError(
        "conflict",
        `${model.name} was registered at commit ${shortCommit(model.commit)}, which never changes: there is nothing upstream to follow. Register it at a branch or tag to follow one.`,
      ),
    );
  }
  let queue = queues.get(model.id);
  if (!queue) {
    queue = { tail: Promise.resolve(), waiting: null };
    queues.set(model.id, queue);
  }
  if (queue.waiting) return queue.waiting;
  const q = queue;
  const mine = q.tail.then(() => {
    q.waiting = null;
    return runCheck(model, actor);
  });
  q.waiting = mine;
  const tail = mine.then(
    () => undefined,
    () => undefined,
  );
  q.tail = tail;
  void tail.then(() => {
    if (q.tail === tail) queues.delete(model.id);
  });
  return mine;
}

async function runCheck(model: Model, actor: string): Promise<Model> {
  const startedAt = new Date();
  let result: UpstreamResult;
  let manifest: Manifest | null;
  let hub: HubModelInfo | null;
  try {
    ({ result, manifest, hub } = await findUpstream(model));
  } catch (error) {
    const code = errorCodeOf(error);
    metrics.upstreamChecks.inc({ outcome: code });
    const message = error instanceof ApiError ? error.message : "The check failed; see the server log.";
    await storeCheckFailure({ id: model.id, error: { code, message, at: startedAt.toISOString() } });
    logger.warn({ event: "upstream.check", name: model.name, actor, outcome: "failed", code }, "upstream check failed");
    throw error;
  }
  metrics.upstreamChecks.inc({ outcome: result.state });
  const stored = await storeUpstreamResult({
    id: model.id,
    pinnedCommit: model.commit,
    startedAt,
    result,
    history: (before) => historyOf(before, result, actor),
  });
  logger.info(
    {
      event: "upstream.check",
      name: model.name,
      actor,
      outcome: result.state,
      commit: result.commit,
      ms: Date.now() - startedAt.getTime(),
    },
    "upstream checked",
  );
  if (!stored) throw new ApiError("model_not_found", `The model '${model.name}' was deleted or re-pinned meanwhile.`);
  // `auto`: the new head is staged at once (and promoted when the fleet has it).
  if (
    stored.follow === "auto" &&
    manifest &&
    hub &&
    result.commit &&
    stored.upstreamCommit === result.commit &&
    stored.candidate?.commit !== result.commit
  ) {
    // What the new commit needs is read when it is staged, not at every check.
    const staged = await withVariantMemory(manifest, { repo: stored.repo, commit: result.commit, hub });
    return stageCandidate(stored, toCandidate(result.commit, staged.manifest, actor), actor);
  }
  return stored;
}

/**
 * What upstream's head gives now, with its manifest when it moved; throws only when the Hub
 * could not answer (outage, rate limit).
 */
async function findUpstream(
  model: Model,
): Promise<{ result: UpstreamResult; manifest: Manifest | null; hub: HubModelInfo | null }> {
  const gone = (reason: UpstreamReason, commit: string | null = null) => ({
    result: { state: "gone" as const, commit, diff: null, reason },
    manifest: null,
    hub: null,
  });
  let info: Awaited<ReturnType<typeof fetchModelInfo>>;
  try {
    info = await fetchModelInfo({ repo: model.repo, revision: model.revision });
  } catch (error) {
    if (isRepoGone(error)) {
      return gone({ code: "not_found", message: `${model.repo} is gone from Hugging Face, or was made private.` });
    }
    if (error instanceof ApiError && error.code === "hf_revision_not_found") {
      return gone({
        code: "revision_not_found",
        message: `The revision "${model.revision}" no longer exists in ${model.repo}.`,
      });
    }
    throw error;
  }
  if (info.disabled) return gone({ code: "disabled", message: `${model.repo} was disabled on Hugging Face.` });
  if (info.id.toLowerCase() !== model.repo.toLowerCase()) {
    return gone({ code: "renamed", message: `${model.repo} was renamed to ${info.id} on Hugging Face.` });
  }
  if (info.gated && !model.gated) {
    return gone({
      code: "gated",
      message: `${model.repo} became gated (${info.gated} approval): nodes now need HF_TOKEN of an account granted access.`,
    });
  }
  if (info.sha === model.commit) {
    return {
      result: { state: "current", commit: info.sha, diff: null, reason: null },
      manifest: null,
      hub: null,
    };
  }
  let manifest: Manifest;
  try {
    // A quantization asked for is chosen again (its files may be re-sharded or renamed); a file asked for is that file.
    manifest = buildManifest({
      siblings: info.siblings,
      filename: model.quant ? null : model.filename,
      quant: model.quant,
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return gone({ code: error.code, message: `At ${shortCommit(info.sha)}: ${error.message}` }, info.sha);
  }
  const diff = diffManifests(
    { commit: model.commit, artifacts: model.artifacts, variants: model.variants },
    { commit: info.sha, artifacts: manifest.artifacts, variants: manifest.variants },
  );
  return { result: { state: "update_available", commit: info.sha, diff, reason: null }, manifest, hub: info };
}

/** The history entry a result makes: a new head seen, upstream gone, or back where it was. */
function historyOf(before: Model, result: UpstreamResult, actor: string): HistoryEntry | null {
  if (result.state === "update_available" && result.commit !== before.upstreamCommit) {
    return { action: "upstream_moved", actor, fromCommit: before.commit, toCommit: result.commit };
  }
  if (result.state === "gone" && before.upstreamState !== "gone") {
    return { action: "upstream_gone", actor, fromCommit: before.commit, detail: result.reason?.message ?? null };
  }
  if (result.state === "current" && before.upstreamState && before.upstreamState !== "current") {
    return { action: "upstream_back", actor, fromCommit: before.upstreamCommit, toCommit: result.commit };
  }
  return null;
}
