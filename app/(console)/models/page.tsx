import type { Metadata } from "next";
import { ModelsConsole } from "@/components/models/models-console";
import { PageHeader } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/current-user";
import { getHfEndpointForDisplay } from "@/lib/hf/config";
import { getNodesOverview } from "@/lib/nodes/list-nodes";
import { getOpenAiListing } from "@/lib/registry/list-models";

export const metadata: Metadata = { title: "Models · llmlb console" };
export const dynamic = "force-dynamic";

export default async function ModelsPage() {
  const user = await requirePageUser();
  const [listing, nodes] = await Promise.all([getOpenAiListing(), getNodesOverview()]);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Models"
        description="Everything the fleet serves. Nodes download each model straight from Hugging Face and report back here."
      />
      <ModelsConsole
        initialModels={JSON.parse(listing.toString("utf8"))}
        initialNodes={{ nodes }}
        isAdmin={user.role === "admin"}
        hubUrl={getHfEndpointForDisplay()}
      />
    </div>
  );
}
