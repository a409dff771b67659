// Turns a registry listing into work: new models get a manifest, a variant and a place
// in the queue; models gone from the listing (also while the agent was down) leave the
// cache; models ready on disk from an earlier run are reported ready without a download.

import fs from "node:fs/promises";
import { ApiClientError, type RegistryModel } from "../../lib/api-client";
import { removeModelFiles } from "../cache/gc";
import {
  assertCommit,
  assertRepoId,
  assertSafeRelativePath,
  blobPath,
  getRepoPaths,
  readSnapshotLink,
  snapshotFileSize,
  writeRef,
} from "../cache/hf-layout";
import { backoffDelay } from "../download/retry";
import {
  type AgentContext,
  commitKey,
  enqueueModel,
  isCurrentRecord,
  type ModelRecord,
  newModelRecord,
  setModelError,
} from "./context";
import { selectVariant } from "./select-variant";

/**
 * Stops the model's download, forgets it, and removes what only it used from the cache.
 * The state file is saved by the caller (applyListing saves once for a whole listing).
 */
export async function removeModel(
  ctx: AgentContext,
  name: string,
  reason: "deleted" | "changed" | "dropped",
): Promise<void> {
  const rec = ctx.models.get(name);
  if (rec) {
    ctx.models.delete(name);
    ctx.queue.remove(name);
    if (rec.job) {
      rec.job.controller.abort();
      await rec.job.done;
    }
    ctx.reporter.endProgress(name);
  }
  const tracked = ctx.store.state.models[name];
  let freedBytes = 0;
  if (tracked) {
    delete ctx.store.state.models[name];
    try {
      const result = await removeModelFiles({
        cacheDir: ctx.config.cacheDir,
        model: tracked,
        others: [...Object.values(ctx.store.state.models), ...filesOfRunningJobs(ctx)],
        written: ctx.store.written(tracked.repo),
        ledger: ctx.store,
      });
      freedBytes = result.freedBytes;
    } catch (err) {
      ctx.reporter.event(
        "warn",
        "cache.cleanup_failed",
        `${name}: could not clean the cache: ${(err as Error).message}`,
        {
          model: name,
        },
      );
    }
  }
  if (reason === "deleted") {
    ctx.reporter.event("info", "model.removed", `${name}: removed`, { model: name, freed_bytes: freedBytes });
  } else if (reason === "dropped") {
    // A candidate cancelled, or the previous commit past its grace.
    ctx.reporter.event("info", "model.commit_dropped", `${name}: dropped`, { model: name, freed_bytes: freedBytes });
  }
  ctx.heartbeat.wake();
}

/**
 * What jobs still running need (a job between checking the cache and recording its files
 * in the state file would otherwise see a blob it counts on removed under it).
 */
function filesOfRunningJobs(ctx: AgentContext) {
  return [...ctx.models.values()].flatMap((rec) =>
    rec.job && rec.plan
      ? [
          {
            repo: rec.plan.repo,
            commit: rec.plan.commit,
            files: rec.plan.files.map((f) => ({ path: f.path, blob: f.sha256 ?? f.blobId })),
          },
        ]
      : [],
  );
}

/**
 * A model this agent made ready before a restart, reported ready at once when every file
 * is in place with the size and mtime it had when its bytes last matched its blob's name.
 * Anything else (a changed blob, no record of a check) goes the usual way: its manifest,
 * then a job that checks each blob's bytes and downloads what fails, without holding up
 * the listing (and so the first heartbeat) while large files are read.
 */
async function restoreReady(ctx: AgentContext, rec: ModelRecord): Promise<boolean> {
  const tracked = ctx.store.state.models[rec.name];
  if (!tracked?.ready || tracked.commit !== rec.listing.commit || tracked.repo !== rec.listing.repo) return false;
  try {
    const paths = getRepoPaths(ctx.config.cacheDir, tracked.repo);
    for (const file of tracked.files) {
      const size = await snapshotFileSize(paths, tracked.commit, file.path);
      if (size === null || (file.size !== null && size !== file.size)) return false;
      if (!file.blob) continue; // a file another tool put there: nothing to check it by
      const linked = await readSnapshotLink(paths, tracked.commit, file.path);
      const blob = await fs.stat(blobPath(paths, file.blob)).catch(() => null);
      const stamp = ctx.store.stampOf(tracked.repo, file.blob);
      if (linked !== file.blob || !blob || stamp?.size !== blob.size || stamp.mtimeMs !== blob.mtimeMs) return false;
    }
  } catch {
    return false;
  }
  const files = tracked.files.map((f) => ({ path: f.path, size: f.size, sha256: null, blobId: null }));
  rec.plan = {
    repo: tracked.repo,
    commit: tracked.commit,
    revision: tracked.revision,
    variant: tracked.variant,
    files,
  };
  rec.status = { name: rec.name, state: "ready", variant: tracked.variant };
  // The revision's ref follows the commit served (a promotion or rollback moves it here).
  if (isCurrentRecord(rec)) {
    await writeRef(getRepoPaths(ctx.config.cacheDir, tracked.repo), tracked.revision, tracked.commit).catch(() => {});
  }
  ctx.reporter.event("info", "model.ready", `${rec.name}: ready (${tracked.variant}, already in the cache)`, {
    model: rec.name,
    variant: tracked.variant,
    restored: true,
  });
  return true;
}

/**
 * Applies a listing to the known models: removals, commit changes, new records. No manifest
 * fetch (the planner does that), and one save of the state file for the whole listing, so
 * thousands of deletions at once take seconds, not minutes.
 */
export async function applyListing(ctx: AgentContext, listing: RegistryModel[]): Promise<void> {
  try {
    await applyEach(ctx, listing);
  } finally {
    await ctx.store.save();
  }
}

/**
 * What the listing asks this node to hold, by record key: each model's current commit, its
 * staged candidate beside it, and its previous commit (kept only if already held, until its
 * grace ends: a rollback then needs no download).
 */
type Wanted = { listing: RegistryModel; role: "current" | "candidate" | "previous"; keepUntil: number | null };

function wantedOf(listing: RegistryModel[]): Map<string, Wanted> {
  const wanted = new Map<string, Wanted>();
  const now = Date.now();
  for (const model of listing) {
    wanted.set(model.name, { listing: model, role: "current", keepUntil: null });
    if (model.candidate && model.candidate.commit !== model.commit) {
      const listing = { ...model, commit: model.candidate.commit };
      wanted.set(commitKey(model.name, model.candidate.commit), { listing, role: "candidate", keepUntil: null });
    }
    const keepUntil = model.previous ? Date.parse(model.previous.keep_until) : Number.NaN;
    if (model.previous && keepUntil > now && model.previous.commit !== model.commit) {
      const listing = { ...model, commit: model.previous.commit };
      wanted.set(commitKey(model.name, model.previous.commit), { listing, role: "previous", keepUntil });
    }
  }
  return wanted;
}

/** The commit a key holds now, whether its record is running or only in the state file. */
function heldCommit(ctx: AgentContext, key: string): string | undefined {
  return ctx.models.get(key)?.listing.commit ?? ctx.store.state.models[key]?.commit;
}

async function applyEach(ctx: AgentContext, listing: RegistryModel[]): Promise<void> {
  const wanted = wantedOf(listing);
  // A promotion or rollback: the commit now current is held under name@commit (a candidate
  // ready, a previous commit kept), and the one current until now may be wanted beside it.
  // Files move with their record; nothing is downloaded again.
  for (const model of listing) {
    if (ctx.signal.aborted) return;
    const held = heldCommit(ctx, model.name);
    if (!held || held === model.commit) continue;
    const outgoing = commitKey(model.name, held);
    const incoming = commitKey(model.name, model.commit);
    const keep = wanted.get(outgoing);
    if (keep) await moveRecord(ctx, model.name, outgoing, keep);
    if (heldCommit(ctx, incoming) === model.commit) {
      await moveRecord(ctx, incoming, model.name, { listing: model, role: "current", keepUntil: null });
    }
  }
  for (const key of new Set([...ctx.models.keys(), ...Object.keys(ctx.store.state.models)])) {
    const want = wanted.get(key);
    const rec = ctx.models.get(key);
    if (!want) await removeModel(ctx, key, key.includes("@") ? "dropped" : "deleted");
    // Same name, new commit: deleted and registered again (or a commit not held). Start from scratch.
    else if (heldCommit(ctx, key) !== want.listing.commit) await removeModel(ctx, key, "changed");
    else if (rec) {
      rec.listing = want.listing;
      rec.keepUntil = want.keepUntil;
    }
  }
  for (const [key, want] of wanted) {
    if (ctx.signal.aborted) return;
    if (ctx.models.has(key)) continue;
    // A previous commit is kept, never fetched: only one still complete in the cache stays.
    if (want.role === "previous" && !ctx.store.state.models[key]) continue;
    const created = newModelRecord(want.listing, key, want.keepUntil);
    ctx.models.set(key, created);
    if (!(await restoreReady(ctx, created)) && want.role === "previous") await removeModel(ctx, key, "dropped");
  }
}

/**
 * Moves what `from` holds (its tracked files, and whether they were complete) under `to`, as
 * a record of `want`. A download of it under way stops and starts again under the new key,
 * keeping every file already in place.
 */
async function moveRecord(ctx: AgentContext, from: string, to: string, want: Wanted): Promise<void> {
  const rec = ctx.models.get(from);
  if (rec) {
    ctx.models.delete(from);
    ctx.queue.remove(from);
    if (rec.job) {
      rec.job.controller.abort();
      await rec.job.done;
    }
    ctx.reporter.endProgress(from);
  }
  // Whatever held `to` goes first, while `from`'s files still count as in use.
  if (ctx.models.has(to) || ctx.store.state.models[to]) await removeModel(ctx, to, "changed");
  const tracked = ctx.store.state.models[from];
  delete ctx.store.state.models[from];
  if (tracked) ctx.store.state.models[to] = tracked;
  const created = newModelRecord(want.listing, to, want.keepUntil);
  ctx.models.set(to, created);
  if (tracked) await restoreReady(ctx, created);
  ctx.heartbeat.wake();
}

async function planModel(ctx: AgentContext, rec: ModelRecord): Promise<void> {
  let manifest: Awaited<ReturnType<typeof ctx.api.getManifest>>;
  try {
    manifest = await ctx.api.getManifest(rec.listing.manifest_url, ctx.signal);
  } catch (err) {
    if (ctx.signal.aborted) return;
    rec.manifestRetryAt = Date.now() + backoffDelay(rec.manifestFailures++, 1000, 60_000);
    // 404: deleted meanwhile; the next listing drops it. Anything else is worth a word.
    if (err instanceof ApiClientError && err.status === 404) return;
    ctx.reporter.event("warn", "manifest.unavailable", `${rec.name}: manifest: ${(err as Error).message}`, {
      model: rec.name,
    });
    return;
  }
  // A candidate's files are in the manifest's `candidate`, beside the current commit's.
  if (!isCurrentRecord(rec) && manifest.candidate?.commit === rec.listing.commit) {
    manifest = { ...manifest, ...manifest.candidate };
  }
  if (manifest.commit !== rec.listing.commit) {
    // Registered again (or the candidate changed) between the listing and this read: the next listing says which.
    rec.manifestRetryAt = Date.now() + 1000;
    return;
  }
  try {
    if (manifest.model !== rec.listing.name) throw new Error(`the manifest is about ${JSON.stringify(manifest.model)}`);
    assertRepoId(manifest.repo);
    assertCommit(manifest.commit);
    for (const a of manifest.artifacts) assertSafeRelativePath(a.filename, "file path");
    for (const v of manifest.variants) for (const f of v.files) assertSafeRelativePath(f, "file path");
    if (manifest.revision.split("/").includes("..")) throw new Error(`unsafe revision ${manifest.revision}`);
  } catch (err) {
    return setModelError(ctx, rec, "invalid_manifest", `${rec.name}: ${(err as Error).message}`);
  }
  const choice = selectVariant(manifest, ctx.config.formats, {
    memoryBytes: modelMemoryBytes(ctx),
    node: { gpus: ctx.config.gpus, memoryBytes: ctx.config.memoryBytes, context: ctx.config.context },
  });
  if (!choice.ok) {
    rec.status = { name: rec.name, state: "unsupported", error: { code: choice.code, message: choice.message } };
    ctx.reporter.event("warn", "model.unsupported", `${rec.name}: ${choice.message}`, { model: rec.name });
    ctx.heartbeat.wake();
    return;
  }
  rec.plan = {
    repo: manifest.repo,
    commit: manifest.commit,
    revision: manifest.revision,
    variant: choice.variant.name,
    files: choice.files,
  };
  enqueueModel(ctx, rec);
}

/** Manifests fetched at once while planning: a registry of thousands is planned in minutes, not hours. */
const PLANNING_CONCURRENCY = 8;

/** Fetches missing manifests and re-queues models whose error is due for another try. */
export async function planPending(ctx: AgentContext): Promise<void> {
  const due = (rec: ModelRecord, now: number) =>
    rec.status.state === "error" && rec.retryAt !== null && rec.retryAt <= now;
  const toPlan: ModelRecord[] = [];
  const now = Date.now();
  const expired = [...ctx.models.values()].filter((rec) => rec.keepUntil !== null && rec.keepUntil <= now);
  for (const rec of expired) await removeModel(ctx, rec.name, "dropped");
  if (expired.length) await ctx.store.save();
  for (const rec of ctx.models.values()) {
    if (!rec.plan) {
      if ((rec.status.state === "pending" && rec.manifestRetryAt <= now) || due(rec, now)) toPlan.push(rec);
    } else if (due(rec, now)) {
      enqueueModel(ctx, rec);
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < toPlan.length && !ctx.signal.aborted) {
      const rec = toPlan[next++];
      if (ctx.models.get(rec.name) === rec) await planModel(ctx, rec); // not removed meanwhile
    }
  };
  await Promise.all(Array.from({ length: PLANNING_CONCURRENCY }, worker));
}

/** Where weights will live: the GPUs' memory when the node has GPUs, else system memory. */
function modelMemoryBytes(ctx: AgentContext): number {
  const gpu = ctx.config.gpus.reduce((sum, g) => sum + g.memory_bytes, 0);
  return gpu > 0 ? gpu : ctx.config.memoryBytes;
}
