import type { ModelDetail, ModelHistory, ModelSummary, SyncSummary, Upstream, V1Model } from "@/lib/api/model-schemas";
import type { ModelListingRow } from "@/lib/db/queries/models";
import type { Model, ModelHistoryRow } from "@/lib/db/schema";
import { isPinnedToCommit } from "@/lib/format/commit";
import { buildResolveUrl } from "@/lib/hf/config";

/** Path of a model's manifest; relative, so it is right behind any proxy or load balancer. */
export function buildManifestUrl(name: string): string {
  return `/api/models/registry/${name.split("/").map(encodeURIComponent).join("/")}/manifest.json`;
}

/** What every listing says about a model's source, pinned commit and size. */
function toIdentity(m: ModelListingRow) {
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

/** One entry of `GET /api/models`: what a node needs to decide whether to fetch the manifest. */
export function toModelSummary(m: ModelListingRow): ModelSummary {
  return {
    name: m.name,
    ...toIdentity(m),
    manifest_url: buildManifestUrl(m.name),
    created_at: m.createdAt.toISOString(),
  };
}

/** The whole registration, as `POST /api/models/register` returns it. */
export function toModelDetail(m: Model): ModelDetail {
  return {
    ...toModelSummary(m),
    follow: m.follow,
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

/** `GET /api/models/registry/{name}/manifest.json`: built from the stored row, never from the Hub. */
export function toManifest(m: Model) {
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
  };
}

function withUrls(m: Model) {
  return m.artifacts.map((a) => ({
    ...a,
    blob_id: a.blob_id ?? null,
    url: buildResolveUrl({ repo: m.repo, commit: m.commit, filename: a.filename }),
  }));
}

/** An OpenAI model object with llmlb's fields; unknown fields are ignored by OpenAI clients. */
export function toOpenAiModel(m: ModelListingRow, sync: SyncSummary): V1Model {
  return {
    id: m.name,
    object: "model" as const,
    created: Math.floor(m.createdAt.getTime() / 1000),
    owned_by: m.repo.split("/")[0] ?? "hf",
    ready: sync.state === "ready",
    ...toIdentity(m),
    sync,
  };
}
