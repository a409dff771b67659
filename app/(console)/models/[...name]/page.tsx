import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { ManifestTables } from "@/components/models/manifest-tables";
import { ModelDetailLive } from "@/components/models/model-detail-live";
import { ModelFacts } from "@/components/models/model-facts";
import { ModelSnippets } from "@/components/models/model-snippets";
import { ApiError } from "@/lib/api/errors";
import { nameFromSegments } from "@/lib/api/model-name";
import { requirePageUser } from "@/lib/auth/current-user";
import { getModelByName } from "@/lib/db/queries/models";
import { getHfEndpoint } from "@/lib/hf/config";
import { getNodesOverview } from "@/lib/nodes/list-nodes";
import { getSyncSummaries } from "@/lib/nodes/sync-summary";
import { toModelDetail, toOpenAiModel } from "@/lib/registry/serialize";

type Props = { params: Promise<{ name: string[] }> };

export const dynamic = "force-dynamic";

async function loadModel(segments: string[]) {
  try {
    return await getModelByName({ name: nameFromSegments(segments) });
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
  const model = await loadModel((await params).name);
  if (!model) notFound();
  const [syncOf, nodes, origin] = await Promise.all([
    getSyncSummaries({ modelId: model.id }),
    // Deleted since loadModel: the same "not found" as a moment later.
    getNodesOverview({ model: model.name }).catch((err: unknown) => {
      if (err instanceof ApiError && err.code === "model_not_found") notFound();
      throw err;
    }),
    getOrigin(),
  ]);
  const detail = toModelDetail(model);
  const hubUrl = getHfEndpoint();
  return (
    <div className="space-y-6">
      <ModelDetailLive
        initialModel={toOpenAiModel(model, syncOf(model.id))}
        initialNodes={{ nodes }}
        isAdmin={user.role === "admin"}
        facts={<ModelFacts model={detail} hubUrl={hubUrl} />}
      >
        <ManifestTables variants={detail.variants} artifacts={detail.artifacts} />
        <ModelSnippets name={model.name} origin={origin} />
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
