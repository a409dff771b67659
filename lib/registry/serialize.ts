import type { ModelDetail, ModelHistory, ModelSummary, SyncSummary, Upstream, V1Model } from "@/lib/api/model-schemas";
import type { ModelListingRow } from "@/lib/db/queries/models";
import type { Model, ModelHistoryRow } from "@/lib/db/schema";
import { isPinnedToCommit } from "@/lib/format/commit";
import { buildResolveUrl } from "@/lib/hf/config";
import { diffManifests } from "./upstream-diff";

/** Path of a model's manifest; relative, so it is right behind any proxy or load balancer. */
export function buildManifestUrl(name: string): string {
  return `/api/models/registry/${name.split("/").map(encodeURIComponent).join("/")}/manifest.json`;
}

/** A listing row without what only `GET /api/models` shows (the commits beside the current one). */
type IdentityRow = Omit<ModelListingRow, "candidateCommit" | "previousCommit" | "previousKeepUntil">;

/** What every listing says about a model's source, pinned commit and size. */
function toIdentity(m: IdentityRow) {
  return {
    display_name: m.displayName,
    source: m.source,
    repo: m.repo,
    filename: m.filename,
    revision: m.revision,
    commit: m.commit,
    size_bytes: m.sizeBytes,
    formats: m.formats,
  };
}

/**
 * One entry of `GET /api/models`: what a node needs to decide whether to fetch the manifest,
 * and the commits it holds beside the current one (a staged candidate, the previous one).
 */
export function toModelSummary(m: ModelListingRow): ModelSummary {
  return {
    name: m.name,
    ...toIdentity(m),
    manifest_url: buildManifestUrl(m.name),
    created_at: m.createdAt.toISOString(),
    candidate: m.candidateCommit ? { commit: m.candidateCommit } : null,
    previous:
      m.previousCommit && m.previousKeepUntil ? { commit: m.previousCommit, keep_until: m.previousKeepUntil } : null,
  };
}

/** A whole row as the listing reads it. */
function listingRowOf(m: Model): ModelListingRow {
  return {
    ...m,
    candidateCommit: m.candidate?.commit ?? null,
    previousCommit: m.previous?.commit ?? null,
    previousKeepUntil: m.previous?.keep_until ?? null,
  };
}

/** The whole registration, as `POST /api/models/register` returns it. */
export function toModelDetail(m: Model): ModelDetail {
  return {
    ...toModelSummary(listingRowOf(m)),
    follow: m.follow,
    rollout: toRollout(m),
    upstream: toUpstream(m),
    tags: m.tags,
    last_modified: m.lastModified?.toISOString() ?? null,
    gated: m.gated ?? false,
    warnings: m.warnings,
    variants: m.variants,
    artifacts: withUrls(m),
  };
}

function toUpstream(m: Model): Upstream {
  const state = isPinnedToCommit(m.revision) ? "fixed" : m.follow === "off" ? "off" : (m.upstreamState ?? "unchecked");
  const checked = state !== "fixed" && state !== "off" && state !== "unchecked";
  return {
    state,
    commit: checked ? m.upstreamCommit : null,
    checked_at: checked ? (m.upstreamCheckedAt?.toISOString() ?? null) : null,
    seen_at: checked ? (m.upstreamSeenAt?.toISOString() ?? null) : null,
    reason: state === "gone" ? m.upstreamReason : null,
    check_error: checked || state === "unchecked" ? m.upstreamCheckError : null,
    diff: state === "update_available" ? m.upstreamDiff : null,
  };
}

/** The staged candidate and the previous commit, without their manifests (the manifest has the candidate's). */
function toRollout(m: Model): ModelDetail["rollout"] {
  const c = m.candidate;
  return {
    candidate: c
      ? {
          commit: c.commit,
          staged_at: c.staged_at,
          staged_by: c.staged_by,
          size_bytes: c.size_bytes,
          diff: diffManifests(m, c),
        }
      : null,
    previous: m.previous ? { commit: m.previous.commit, keep_until: m.previous.keep_until } : null,
  };
}

export function toHistory(rows: ModelHistoryRow[]): ModelHistory {
  return {
    history: rows.map((r) => ({
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      from_commit: r.fromCommit,
      to_commit: r.toCommit,
      detail: r.detail,
    })),
  };
}

/**
 * `GET /api/models/registry/{name}/manifest.json`: built from the stored row, never from the
 * Hub; with the staged candidate's files beside the current ones.
 */
export function toManifest(m: Model) {
  const c = m.candidate;
  return {
    model: m.name,
    source: m.source,
    repo: m.repo,
    filename: m.filename,
    revision: m.revision,
    commit: m.commit,
    size_bytes: m.sizeBytes,
    gated: m.gated ?? false,
    variants: m.variants,
    artifacts: withUrls(m),
    candidate: c
      ? {
          commit: c.commit,
          size_bytes: c.size_bytes,
          variants: c.variants,
          artifacts: withUrls({ repo: m.repo, commit: c.commit, artifacts: c.artifacts }),
        }
      : null,
  };
}

function withUrls(m: Pick<Model, "repo" | "commit" | "artifacts">) {
  return m.artifacts.map((a) => ({
    ...a,
    blob_id: a.blob_id ?? null,
    url: buildResolveUrl({ repo: m.repo, commit: m.commit, filename: a.filename }),
  }));
}

/** An OpenAI model object with llmlb's fields; unknown fields are ignored by OpenAI clients. */
export function toOpenAiModel(m: IdentityRow, sync: SyncSummary): V1Model {
  return {
    id: m.name,
    object: "model" as const,
    created: Math.floor(m.createdAt.getTime() / 1000),
    owned_by: m.repo.split("/")[0] ?? "hf",
    ready: sync.state === "ready",
    ...toIdentity(m),
    context_length: m.memory?.context_length ?? null,
    memory_need: m.memory?.need ?? null,
    sync,
  };
}
