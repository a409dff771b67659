// GET /api/models/{name} – one registration; PATCH – its follow policy; DELETE – remove it everywhere at once.
// GET /api/models/{name}/history – its commit's history; POST /api/models/{name}/check – check upstream now.
import { ApiError } from "@/lib/api/errors";
import { splitModelAction } from "@/lib/api/model-name";
import { parseJsonBody } from "@/lib/api/parse-body";
import { jsonResponse } from "@/lib/api/respond";
import { modelPatchSchema } from "@/lib/api/schemas";
import { actorOf } from "@/lib/auth/actor";
import { withApiKey } from "@/lib/auth/with-api-key";
import { deleteModel } from "@/lib/registry/delete-model";
import { getRegisteredModel } from "@/lib/registry/get-model";
import { toModelDetail } from "@/lib/registry/serialize";
import { checkModelNow, getModelHistory, setModelFollow } from "@/lib/registry/upstream";

type Ctx = { params: Promise<{ name: string[] }> };

export const dynamic = "force-dynamic";

const readers = { scopes: ["admin" as const, "node" as const, "reader" as const] };
const admins = { scopes: ["admin" as const] };

/** A method the path does not take: the model's own path takes GET, PATCH, DELETE; …/check POST; …/history GET. */
function notAllowed(method: string, allowed: string): never {
  throw new ApiError("method_not_allowed", `${method} is not allowed here; this path takes ${allowed}.`, {
    headers: { allow: allowed },
  });
}

export const GET = withApiKey<Ctx>(async (_req, { params }) => {
  const { name, action } = splitModelAction((await params).name, ["history", "check"]);
  if (action === "check") notAllowed("GET", "POST");
  if (action === "history") return jsonResponse(await getModelHistory({ name }));
  return jsonResponse(toModelDetail(await getRegisteredModel({ name })));
}, readers);

export const POST = withApiKey<Ctx>(async (_req, { params }, principal) => {
  const { name, action } = splitModelAction((await params).name, ["history", "check"]);
  if (action === "history") notAllowed("POST", "GET");
  if (action !== "check") notAllowed("POST", "GET, PATCH, DELETE");
  return jsonResponse(toModelDetail(await checkModelNow({ name, actor: await actorOf(principal) })));
}, admins);

export const PATCH = withApiKey<Ctx>(async (req, { params }, principal) => {
  const { name, action } = splitModelAction((await params).name, ["history", "check"]);
  if (action) notAllowed("PATCH", action === "check" ? "POST" : "GET");
  const body = await parseJsonBody(req, modelPatchSchema);
  return jsonResponse(
    toModelDetail(await setModelFollow({ name, follow: body.follow, actor: await actorOf(principal) })),
  );
}, admins);

export const DELETE = withApiKey<Ctx>(async (_req, { params }) => {
  const { name, action } = splitModelAction((await params).name, ["history", "check"]);
  if (action) notAllowed("DELETE", action === "check" ? "POST" : "GET");
  await deleteModel({ name });
  return new Response(null, { status: 204 });
}, admins);
