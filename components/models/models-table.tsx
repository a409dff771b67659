import Link from "next/link";
import type { ModelSync, UpstreamNotice, V1Model } from "@/lib/api/model-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { shortCommit } from "@/lib/format/commit";
import { Badge, type BadgeTone } from "../ui/badge";
import { Button } from "../ui/button";
import { PathName } from "../ui/path-name";
import { Table } from "../ui/table";
import type { Rates } from "./download-rates";
import { modelPagePath } from "./model-links";
import { ModelSyncCell } from "./model-sync-summary";

const noticeLooks: Record<UpstreamNotice, [BadgeTone, string]> = {
  staged: ["blue", "Update staged"],
  update_available: ["amber", "Update available"],
  gone: ["red", "Gone upstream"],
};

/** The live answer's badge once it has come (a promotion clears it), the page's until then. */
function NoticeBadge({ notice }: { notice: UpstreamNotice | null | undefined }) {
  if (!notice) return null;
  const [tone, label] = noticeLooks[notice];
  return (
    <Badge tone={tone} className="ml-2">
      {label}
    </Badge>
  );
}

const columns = [
  { label: "Model" },
  { label: "Source" },
  { label: "Formats" },
  { label: "Size", className: "text-right" },
  { label: "Status on the nodes" },
];
// Below md the table collapses into one card per model: rows become two-column
// grids and each cell shows its column name (from data-label) above its value.
const td =
  "px-3 py-3 align-top max-md:block max-md:p-0 max-md:before:block max-md:before:text-xs max-md:before:text-zinc-500 max-md:before:content-[attr(data-label)] dark:max-md:before:text-zinc-400";
const wide = "max-md:col-span-2";

export function ModelsTable({
  models,
  syncOf,
  rates,
  hubUrl,
  upstream,
  onDelete,
}: {
  models: V1Model[];
  /** Badge, counts and bytes of one model, all from one GET /api/models/sync answer; null while it loads. */
  syncOf: (name: string) => ModelSync | null;
  rates: Rates;
  hubUrl: string;
  /** The badges as the page was rendered, until the live answer (`syncOf`) has each row. */
  upstream: Record<string, UpstreamNotice>;
  /** Absent for viewers: no delete controls at all. */
  onDelete?: (name: string) => void;
}) {
  return (
    <Table
      framed
      caption="Registered models"
      columns={onDelete ? [...columns, { label: "Actions", srOnly: true }] : columns}
      className="max-md:block md:min-w-[56rem]"
      headClassName="max-md:hidden"
      bodyClassName="max-md:block"
    >
      {models.map((m) => (
        <tr
          key={m.id}
          data-testid="model-row"
          data-model={m.id}
          className="max-md:grid max-md:grid-cols-2 max-md:gap-x-4 max-md:gap-y-3 max-md:p-4"
        >
          <td className={`${td} ${wide} max-md:before:hidden`}>
            <Link
              href={modelPagePath(m.id)}
              className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
            >
              {m.display_name}
            </Link>
            <NoticeBadge notice={syncOf(m.id) ? syncOf(m.id)?.upstream : upstream[m.id]} />
            <p className="mt-0.5 max-w-72 font-mono text-xs text-zinc-500 dark:text-zinc-400">
              <PathName name={m.id} />
            </p>
          </td>
          <td className={`${td} ${wide}`} data-label="Source">
            <a href={`${hubUrl}/${m.repo}`} target="_blank" rel="noreferrer" className="hover:underline">
              <PathName name={m.repo} />
            </a>
            <p className="mt-0.5 text-xs whitespace-nowrap text-zinc-500 dark:text-zinc-400">
              {m.revision} @{" "}
              <span className="font-mono" title={m.commit}>
                {shortCommit(m.commit)}
              </span>
            </p>
          </td>
          <td className={td} data-label="Formats">
            <div className="flex flex-wrap gap-1">
              {m.formats.map((f) => (
                <Badge key={f}>{f}</Badge>
              ))}
            </div>
          </td>
          <td className={`${td} whitespace-nowrap tabular-nums md:text-right`} data-label="Size">
            {formatBytes(m.size_bytes)}
          </td>
          <td className={`${td} ${wide}`} data-label="Status on the nodes">
            <ModelSyncCell model={syncOf(m.id)} rate={rates.get(m.id)} />
          </td>
          {onDelete ? (
            <td className={`${td} ${wide} text-right max-md:before:hidden`}>
              <Button variant="dangerGhost" size="sm" onClick={() => onDelete(m.id)} aria-label={`Delete ${m.id}`}>
                Delete
              </Button>
            </td>
          ) : null}
        </tr>
      ))}
    </Table>
  );
}
