import type { Metadata } from "next";
import { NodesConsole } from "@/components/nodes/nodes-console";
import { PageHeader } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/current-user";
import { getNodesOverview } from "@/lib/nodes/list-nodes";

export const metadata: Metadata = { title: "Nodes · llmlb console" };
export const dynamic = "force-dynamic";

export default async function NodesPage() {
  const user = await requirePageUser();
  const nodes = await getNodesOverview({ summary: true });
  return (
    <div className="space-y-6">
      <PageHeader
        title="Nodes"
        description="Inference machines that sync models from the registry. A node that misses three heartbeats is offline and counts for nothing."
      />
      <NodesConsole initialNodes={{ nodes }} isAdmin={user.role === "admin"} />
    </div>
  );
}
