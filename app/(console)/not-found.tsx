import Link from "next/link";
import { EmptyState } from "@/components/ui/card";

export default function NotFound() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">Not found</h1>
      <EmptyState title="Nothing is registered under this address">
        It may have been deleted.{" "}
        <Link href="/models" className="text-indigo-700 underline dark:text-indigo-300">
          See all models
        </Link>
      </EmptyState>
    </div>
  );
}
