import Link from "next/link";
import { EmptyState } from "@/components/ui/card";

export default function NodeNotFound() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">Node not found</h1>
      <EmptyState title="No node has this id">
        It may have been forgotten; a node that is still running appears again at its next announcement, with a new id.{" "}
        <Link href="/nodes" className="text-indigo-700 underline dark:text-indigo-300">
          See all nodes
        </Link>
      </EmptyState>
    </div>
  );
}
