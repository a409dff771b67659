// GET /api/models/{name} – one registration; PATCH – its follow policy; DELETE – remove it everywhere at once.
// GET …/history – its commit's history; POST …/check – check upstream now.
// Staged updates (docs/upstream.md): POST …/update, GET …/rollout, POST …/promote,
// POST …/rollback, DELETE …/candidate. GET …/fit?context=N – where it fits on the online nodes (docs/fit.md).
import { ApiError } from "@/lib/api/errors";
import { splitModelAction } from "@/lib/api/model-name";
import { parseJsonBody } from "@/lib/api/parse-body";
import { jsonResponse } from "@/lib/api/respond";
import { modelPatchSchema, parseContextParam, promoteBodySchema, updateBodySchema } from "@/lib/api/schemas";
import { actorOf } from "@/lib/auth/actor";
import { withApiKey } from "@/lib/auth/with-api-key";
import { deleteModel } from "@/lib/registry/delete-model";
import { getModelFit } from "@/lib/registry/fit";
import { getRegisteredModel } from "@/lib/registry/get-model";
import { cancelCandidate, getRolloutProgress, promoteModel, rollbackModel } from "@/lib/registry/rollout";
import { toModelDetail } from "@/lib/registry/serialize";
import { stageUpdate } from "@/lib/registry/stage-update";
import { checkModelNow, getModelHistory, setModelFollow } from "@/lib/registry/upstream";

type Ctx = { params: Promise<{ name: string[] }> };

export const dynamic = "force-dynamic";

const readers = { scopes: ["admin" as const, "node" as const, "reader" as const] };
const admins = { scopes: ["admin" as const] };

const actions = ["history", "check", "update", "rollout", "promote", "rollback", "candidate", "fit"] as const;
type Action = (typeof actions)[number];

/** The methods each path takes: the model's own path (null), and each action below it. */
const allowed: Record<Action | "model", string> = {
  model: "GET, PATCH, DELETE",
  history: "GET",
  rollout: "GET",
  fit: "GET",
  check: "POST",
  update: "POST",
  promote: "POST",
  rollback: "POST",
  candidate: "DELETE",
};

async function route(params: Ctx["params"], method: string, takes: (Action | null)[]) {
  const { name, action } = splitModelAction((await params).name, actions);
  if (!takes.includes(action)) {
    const methods = allowed[action ?? "model"];
    throw new ApiError("method_not_allowed", `${method} is not allowed here; this path takes ${methods}.`, {
      headers: { allow: methods },
    });
  }
  return { name, action };
}

export const GET = withApiKey<Ctx>(async (req, { params }) => {
  const { name, action } = await route(params, "GET", [null, "history", "rollout", "fit"]);
  if (action === "history") return jsonResponse(await getModelHistory({ name }));
  if (action === "rollout") return jsonResponse(await getRolloutProgress({ name }));
  if (action === "fit") {
    const context = parseContextParam(new URL(req.url).searchParams.get("context"));
    return jsonResponse(await getModelFit({ name, context }));
  }
  return jsonResponse(toModelDetail(await getRegisteredModel({ name })));
}, readers);

export const POST = withApiKey<Ctx>(async (req, { params }, principal) => {
  const { name, action } = await route(params, "POST", ["check", "update", "promote", "rollback"]);
  const actor = await actorOf(principal);
  if (action === "update") {
    const body = await parseJsonBody(req, updateBodySchema, { optional: true });
    return jsonResponse(toModelDetail(await stageUpdate({ name, commit: body.commit, actor })));
  }
  if (action === "promote") {
    const body = await parseJsonBody(req, promoteBodySchema, { optional: true });
    const { model, notReady } = await promoteModel({ name, force: body.force, actor });
    return jsonResponse({ ...toModelDetail(model), not_ready: notReady });
  }
  if (action === "rollback") return jsonResponse(toModelDetail(await rollbackModel({ name, actor })));
  return jsonResponse(toModelDetail(await checkModelNow({ name, actor })));
}, admins);

export const PATCH = withApiKey<Ctx>(async (req, { params }, principal) => {
  const { name } = await route(params, "PATCH", [null]);
  const body = await parseJsonBody(req, modelPatchSchema);
  return jsonResponse(
    toModelDetail(await setModelFollow({ name, follow: body.follow, actor: await actorOf(principal) })),
  );
}, admins);

export const DELETE = withApiKey<Ctx>(async (_req, { params }, principal) => {
  const { name, action } = await route(params, "DELETE", [null, "candidate"]);
  if (action === "candidate") {
    return jsonResponse(toModelDetail(await cancelCandidate({ name, actor: await actorOf(principal) })));
  }
  await deleteModel({ name, actor: await actorOf(principal) });
  return new Response(null, { status: 204 });
}, admins);
