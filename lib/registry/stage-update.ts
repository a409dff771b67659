import "server-only";
import { recorded } from "@/lib/activity/record";
import { ApiError } from "@/lib/api/errors";
import type { Model } from "@/lib/db/schema";
import { isPinnedToCommit, shortCommit } from "@/lib/format/commit";
import { fetchModelInfo } from "@/lib/hf/hub-client";
import { buildManifest } from "./build-manifest";
import { getRegisteredModel } from "./get-model";
import { stageCandidate, toCandidate } from "./rollout";
import { checkUpstream } from "./upstream-check";
import { withVariantMemory } from "./variant-memory";

/**
 * `POST /api/models/{name}/update`: stage `commit` (default: the revision's head now, asked
 * of the Hub) as the model's candidate. Staging the candidate again changes nothing;
 * staging the current commit is a conflict.
 */
export async function stageUpdate({
  name,
  commit,
  actor,
}: {
  name: string;
  commit?: string;
  actor: string;
}): Promise<Model> {
  return recorded(
    { actor, action: "model.update_staged", target: name, detail: commit ? `asked for ${commit}` : null },
    () => stage({ name, commit, actor }),
    (model) => ({
      target: model.name,
      detail: model.candidate ? `staged ${shortCommit(model.candidate.commit)}` : null,
    }),
  );
}

async function stage({ name, commit, actor }: { name: string; commit?: string; actor: string }): Promise<Model> {
  let model = await getRegisteredModel({ name });
  if (!commit) {
    if (isPinnedToCommit(model.revision)) {
      throw new ApiError(
        "conflict",
        `${model.name} was registered at a commit, which never moves: name the commit to stage ("commit").`,
      );
    }
    // Upstream's head, by the same check as "Check for updates" (its result is shown too);
    // with `auto`, that check has staged it already.
    model = await checkUpstream({ model, actor });
    if (model.upstreamState === "gone") {
      throw new ApiError("conflict", `Nothing to stage: ${model.upstreamReason?.message ?? "upstream is gone."}`);
    }
    commit = model.upstreamCommit ?? model.commit;
  }
  if (commit.toLowerCase() === model.commit) {
    throw new ApiError(
      "conflict",
      `${model.name} already serves ${shortCommit(model.commit)}: there is nothing to stage.`,
    );
  }
  if (model.candidate?.commit === commit.toLowerCase()) return model;
  const info = await fetchModelInfo({ repo: model.repo, revision: commit });
  const target = info.sha.toLowerCase();
  if (target === model.commit) {
    throw new ApiError("conflict", `${model.name} already serves ${shortCommit(target)}: there is nothing to stage.`);
  }
  if (model.candidate?.commit === target) return model;
  const built = buildManifest({
    siblings: info.siblings,
    filename: model.quant ? null : model.filename,
    quant: model.quant,
  });
  const { manifest } = await withVariantMemory(built, {
    repo: model.repo,
    commit: target,
    hub: info,
  });
  return stageCandidate(model, toCandidate(target, manifest, actor), actor);
}
