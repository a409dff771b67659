import type { ReactNode } from "react";
import { EmptyState } from "../ui/card";

export function AdminOnly({ header, what }: { header: ReactNode; what: string }) {
  return (
    <div className="space-y-6">
      {header}
      <EmptyState title={`Only admins manage ${what}`}>Ask an admin of this console if you need access.</EmptyState>
    </div>
  );
}
