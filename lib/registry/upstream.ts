import "server-only";
import { recorded } from "@/lib/activity/record";
import { ApiError } from "@/lib/api/errors";
import type { ModelHistory, UpstreamNotice } from "@/lib/api/model-schemas";
import { listFollowersOfRepo, listHistory, listUpstreamNotices, setFollowPolicy } from "@/lib/db/queries/upstream";
import type { Model } from "@/lib/db/schema";
import type { FollowPolicy } from "@/lib/db/upstream-types";
import { logger } from "@/lib/log/logger";
import { getRegisteredModel } from "./get-model";
import { toHistory } from "./serialize";
import { checkUpstream } from "./upstream-check";

/** History entries one answer carries, newest first. */
const maxHistory = 500;

/** `POST /api/models/{name}/check`: the check, now. A commit registration, or follow off, is a conflict. */
export async function checkModelNow({ name, actor }: { name: string; actor: string }): Promise<Model> {
  const model = await getRegisteredModel({ name });
  if (model.follow === "off") {
    throw new ApiError(
      "conflict",
      `${model.name} does not follow upstream (follow is off): set follow to manual to check it.`,
    );
  }
  return checkUpstream({ model, actor });
}

export async function getModelHistory({ name }: { name: string }): Promise<ModelHistory> {
  const model = await getRegisteredModel({ name });
  return toHistory(await listHistory({ modelId: model.id, limit: maxHistory }));
}

export async function setModelFollow({
  name,
  follow,
  actor,
}: {
  name: string;
  follow: FollowPolicy;
  actor: string;
}): Promise<Model> {
  return recorded(
    { actor, action: "model.follow_changed", target: name, detail: `follow ${follow}` },
    async () => {
      const model = await getRegisteredModel({ name });
      const stored = await setFollowPolicy({ id: model.id, follow, actor });
      if (!stored) throw new ApiError("model_not_found", `The model '${name}' is not registered.`);
      return stored;
    },
    (stored) => ({ target: stored.name }),
  );
}

/**
 * A Hub webhook named `repo`: check every model following it, in the background (the
 * Hub wants a quick answer). Returns the names being checked.
 */
export async function checkFollowersOf({ repo }: { repo: string }): Promise<string[]> {
  const followers = await listFollowersOfRepo({ repo });
  for (const model of followers) {
    checkUpstream({ model, actor: "webhook" }).catch((error: unknown) => {
      logger.warn({ event: "upstream.webhook_check_failed", name: model.name, err: error }, "webhook check failed");
    });
  }
  return followers.map((m) => m.name);
}

/** Models with a staged update, or followed and moved or gone upstream, by name: the models list's badges. */
export function getUpstreamNotices(): Promise<Record<string, UpstreamNotice>> {
  return listUpstreamNotices();
}
