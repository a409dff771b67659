import type { Metadata } from "next";
import { ModelsConsole } from "@/components/models/models-console";
import { PageHeader } from "@/components/ui/card";
import { pageSize } from "@/components/ui/page-size";
import type { V1List } from "@/lib/api/model-schemas";
import { requirePageUser } from "@/lib/auth/current-user";
import { getHfEndpointForDisplay } from "@/lib/hf/config";
import { getModelSyncStates } from "@/lib/nodes/sync-summary";
import { getOpenAiListing } from "@/lib/registry/list-models";
import { getUpstreamNotices } from "@/lib/registry/upstream";

export const metadata: Metadata = { title: "Models · llmlb console" };
export const dynamic = "force-dynamic";

export default async function ModelsPage() {
  const user = await requirePageUser();
  // The first page goes into the HTML, with its models' sync counted and no other's; the
  // browser fetches the rest (10,000 models would be megabytes of markup and props).
  const { data } = JSON.parse((await getOpenAiListing()).toString("utf8")) as V1List;
  const firstPage = data.slice(0, pageSize);
  const [sync, upstream] = await Promise.all([
    getModelSyncStates({ names: firstPage.map((m) => m.id) }),
    getUpstreamNotices(),
  ]);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Models"
        description="Everything the fleet serves. Nodes download each model straight from Hugging Face and report back here."
      />
      <ModelsConsole
        initialModels={{ object: "list", data: firstPage }}
        initialTotal={data.length}
        initialSync={{ models: sync }}
        isAdmin={user.role === "admin"}
        hubUrl={getHfEndpointForDisplay()}
        upstream={upstream}
      />
    </div>
  );
}
