import type { Metadata } from "next";
import { ActivityFilters } from "@/components/activity/activity-filters";
import { ActivityTable } from "@/components/activity/activity-table";
import { AdminOnly } from "@/components/layout/admin-only";
import { PageHeader } from "@/components/ui/card";
import { listActivity } from "@/lib/activity/list-activity";
import { activityQuerySchema } from "@/lib/api/activity-schemas";
import { requirePageUser } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Activity · llmlb console" };
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ActivityPage({ searchParams }: { searchParams: SearchParams }) {
  const me = await requirePageUser();
  const header = (
    <PageHeader
      title="Activity"
      description="Who changed what and when: models, keys, users and nodes, refused attempts too, and sign-ins. Passwords and keys are never recorded."
    />
  );
  if (me.role !== "admin") return <AdminOnly header={header} what="the activity log" />;
  // Empty fields of the filter form mean "any"; a repeated parameter counts once.
  const raw = Object.fromEntries(
    Object.entries(await searchParams)
      .map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])
      .filter(([, v]) => v),
  );
  const parsed = activityQuerySchema.safeParse(raw);
  const query = parsed.success ? parsed.data : activityQuerySchema.parse({});
  const page = await listActivity(query);
  return (
    <div className="space-y-6">
      {header}
      <ActivityFilters query={query} />
      {parsed.success ? null : (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {parsed.error.issues[0]?.message ?? "Check the filters."}: showing the newest entries unfiltered.
        </p>
      )}
      <ActivityTable page={page} query={query} />
    </div>
  );
}
