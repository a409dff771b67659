import Link from "next/link";
import type { ActivityList, ActivityQuery } from "@/lib/api/activity-schemas";
import { Badge } from "../ui/badge";
import { focusRing } from "../ui/button";
import { EmptyState } from "../ui/card";
import { cn } from "../ui/cn";
import { RelativeTime } from "../ui/relative-time";
import { rowCell, Table } from "../ui/table";
import { actionLabels } from "./activity-labels";

const outcomeTone = { ok: "green", refused: "amber", failed: "red" } as const;

/** The URL of this view at another page: the filters kept, `before` replaced. */
function pageHref(query: ActivityQuery, before?: number | null): string {
  const params = new URLSearchParams();
  if (query.action) params.set("action", query.action);
  if (query.actor) params.set("actor", query.actor);
  if (query.outcome) params.set("outcome", query.outcome);
  if (before) params.set("before", String(before));
  const search = params.toString();
  return search ? `/activity?${search}` : "/activity";
}

const linkClass = cn("rounded text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300", focusRing);

export function ActivityTable({ page, query }: { page: ActivityList; query: ActivityQuery }) {
  if (page.entries.length === 0) {
    return (
      <EmptyState title={query.before ? "No older entries" : "Nothing recorded yet"}>
        {query.action || query.actor || query.outcome
          ? "No entry matches these filters."
          : "Changes to models, keys, users and nodes, and sign-ins, appear here as they happen."}
      </EmptyState>
    );
  }
  return (
    <div className="space-y-3">
      <Table
        framed
        caption="Activity, newest first"
        columns={[
          { label: "When", className: "w-28" },
          { label: "Who" },
          { label: "Action" },
          { label: "Target" },
          { label: "Outcome" },
          { label: "Detail" },
        ]}
      >
        {page.entries.map((e) => (
          <tr key={e.id} data-testid="activity-row">
            <td className={cn(rowCell, "whitespace-nowrap text-zinc-600 dark:text-zinc-400")}>
              <RelativeTime date={e.at} />
            </td>
            <td className={cn(rowCell, "max-w-56 truncate")} title={e.actor}>
              {e.actor}
            </td>
            <td className={cn(rowCell, "whitespace-nowrap")} data-testid="activity-action">
              {actionLabels[e.action] ?? e.action}
            </td>
            <td className={cn(rowCell, "max-w-72 truncate font-mono text-xs")} title={e.target ?? undefined}>
              {e.target ?? "—"}
            </td>
            <td className={rowCell}>
              <Badge tone={outcomeTone[e.outcome]}>{e.error_code ? `${e.outcome}: ${e.error_code}` : e.outcome}</Badge>
            </td>
            <td className={cn(rowCell, "max-w-80 text-xs text-zinc-600 dark:text-zinc-400")}>{e.detail ?? ""}</td>
          </tr>
        ))}
      </Table>
      <nav aria-label="Activity pages" className="flex items-center gap-4">
        {query.before ? (
          <Link href={pageHref(query)} className={linkClass}>
            ← Newest
          </Link>
        ) : null}
        {page.next_before ? (
          <Link href={pageHref(query, page.next_before)} className={linkClass}>
            Older entries →
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
