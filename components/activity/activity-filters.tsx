import Link from "next/link";
import { type ActivityQuery, activityActions, activityGroups } from "@/lib/api/activity-schemas";
import { Button, focusRing } from "../ui/button";
import { cn } from "../ui/cn";
import { Select, TextInput } from "../ui/field";
import { actionLabels, groupLabels } from "./activity-labels";

/**
 * The filters, as a plain GET form: the view lives in the URL, so a filtered log survives a
 * reload and can be shared. A new filter starts again from the newest entry.
 */
export function ActivityFilters({ query }: { query: ActivityQuery }) {
  return (
    <form method="get" action="/activity" className="flex flex-wrap items-end gap-3" aria-label="Filter the activity">
      <div className="w-56">
        <label htmlFor="activity-action" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
          Action
        </label>
        <Select id="activity-action" name="action" defaultValue={query.action ?? ""}>
          <option value="">Every action</option>
          {activityGroups.map((group) => (
            <optgroup key={group} label={groupLabels[group]}>
              <option value={group}>All {groupLabels[group].toLowerCase()}</option>
              {activityActions
                .filter((a) => a === group || a.startsWith(`${group}.`))
                .map((a) => (
                  <option key={a} value={a}>
                    {actionLabels[a]}
                  </option>
                ))}
            </optgroup>
          ))}
        </Select>
      </div>
      <div className="w-64">
        <label htmlFor="activity-actor" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
          Who
        </label>
        <TextInput
          id="activity-actor"
          name="actor"
          type="search"
          maxLength={200}
          placeholder="An email or a key's name"
          defaultValue={query.actor ?? ""}
        />
      </div>
      <div className="w-40">
        <label htmlFor="activity-outcome" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
          Outcome
        </label>
        <Select id="activity-outcome" name="outcome" defaultValue={query.outcome ?? ""}>
          <option value="">Any outcome</option>
          <option value="ok">ok</option>
          <option value="refused">refused</option>
          <option value="failed">failed</option>
        </Select>
      </div>
      <Button type="submit" variant="secondary">
        Filter
      </Button>
      {query.action || query.actor || query.outcome ? (
        <Link
          href="/activity"
          className={cn("rounded text-sm text-indigo-700 hover:underline dark:text-indigo-300", focusRing)}
        >
          Clear filters
        </Link>
      ) : null}
    </form>
  );
}
