import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { NodeDetailLive } from "@/components/nodes/node-detail-live";
import { ApiError } from "@/lib/api/errors";
import { requirePageUser } from "@/lib/auth/current-user";
import { getNodeOverview } from "@/lib/nodes/list-nodes";

type Props = { params: Promise<{ id: string }> };

export const dynamic = "force-dynamic";

/** The node, or null for an id that is malformed or unknown (the page's 404). */
async function loadNode(id: string) {
  try {
    return await getNodeOverview({ id });
  } catch (error) {
    if (error instanceof ApiError && error.code === "node_not_found") return null;
    throw error;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const node = await loadNode((await params).id);
  return { title: `${node?.name ?? "Unknown node"} · llmlb console` };
}

export default async function NodePage({ params }: Props) {
  await requirePageUser();
  const node = await loadNode((await params).id);
  if (!node) notFound();
  return (
    <div className="space-y-6">
      <NodeDetailLive initialNode={node} />
    </div>
  );
}
