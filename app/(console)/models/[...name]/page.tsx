import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { ManifestTables } from "@/components/models/manifest-tables";
import { ModelDetailLive } from "@/components/models/model-detail-live";
import { ModelFacts } from "@/components/models/model-facts";
import { ModelFit } from "@/components/models/model-fit";
import { ModelSnippets } from "@/components/models/model-snippets";
import { ModelUpstream } from "@/components/models/model-upstream";
import { ApiError } from "@/lib/api/errors";
import { nameFromSegments } from "@/lib/api/model-name";
import { requirePageUser } from "@/lib/auth/current-user";
import { getHfEndpointForDisplay } from "@/lib/hf/config";
import { getNodesOverview } from "@/lib/nodes/list-nodes";
import { getModelSyncStates } from "@/lib/nodes/sync-summary";
import { getModelFit } from "@/lib/registry/fit";
import { getConsoleModel } from "@/lib/registry/get-model";
import { getModelHistory } from "@/lib/registry/upstream";

type Props = { params: Promise<{ name: string[] }> };

export const dynamic = "force-dynamic";

/** The model, or null for a name that is malformed or not registered (the page's 404). */
async function loadModel(segments: string[]) {
  try {
    return await getConsoleModel({ name: nameFromSegments(segments) });
  } catch (error) {
    if (error instanceof ApiError) return null;
    throw error;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `${(await params).name.map(decodeURIComponent).join("/")} · llmlb console` };
}

export default async function ModelPage({ params }: Props) {
  const user = await requirePageUser();
  const loaded = await loadModel((await params).name);
  if (!loaded) notFound();
  const { model, detail } = loaded;
  // Deleted since loadModel: the same "not found" as a moment later.
  const goneNow = (err: unknown): never => {
    if (err instanceof ApiError && err.code === "model_not_found") notFound();
    throw err;
  };
  const [nodes, sync, history, fit, origin] = await Promise.all([
    getNodesOverview({ model: model.id }).catch(goneNow),
    getModelSyncStates({ model: model.id }).catch(goneNow),
    getModelHistory({ name: model.id }).catch(goneNow),
    getModelFit({ name: model.id }).catch(goneNow),
    getOrigin(),
  ]);
  return (
    <div className="space-y-6">
      <ModelDetailLive
        initialModel={model}
        initialSync={{ models: sync }}
        initialNodes={{ nodes }}
        isAdmin={user.role === "admin"}
        facts={<ModelFacts model={detail} hubUrl={getHfEndpointForDisplay()} />}
      >
        <ModelUpstream model={detail} history={history} isAdmin={user.role === "admin"} />
        <ModelFit name={model.id} variants={detail.variants} initialFit={fit} />
        <ManifestTables variants={detail.variants} artifacts={detail.artifacts} />
        <ModelSnippets name={model.id} origin={origin} />
      </ModelDetailLive>
    </div>
  );
}

/** The console's own origin as the browser sees it, for copy-ready snippets. */
async function getOrigin(): Promise<string> {
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? "http";
  return `${proto.split(",")[0]}://${host}`;
}
