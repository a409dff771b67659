import type { ModelDetail } from "@/lib/api/model-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";
import { RelativeTime } from "../ui/relative-time";

const link = "text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300";

export function ModelFacts({ model, hubUrl }: { model: ModelDetail; hubUrl: string }) {
  const rows: [string, React.ReactNode][] = [
    [
      "Repository",
      <a key="repo" className={link} href={`${hubUrl}/${model.repo}`} target="_blank" rel="noreferrer">
        {model.repo}
      </a>,
    ],
    [
      "File",
      model.filename ? (
        <span key="file" className="font-mono break-all">
          {model.filename}
        </span>
      ) : (
        "whole repository"
      ),
    ],
    [
      "Commit",
      <span key="commit">
        {model.revision} →{" "}
        <a
          className={`${link} font-mono break-all`}
          href={`${hubUrl}/${model.repo}/tree/${model.commit}`}
          target="_blank"
          rel="noreferrer"
          data-testid="commit-link"
        >
          {model.commit}
        </a>
      </span>,
    ],
    ["Total size", formatBytes(model.size_bytes)],
    [
      "Formats",
      <span key="formats" className="flex flex-wrap gap-1">
        {model.formats.map((f) => (
          <Badge key={f}>{f}</Badge>
        ))}
      </span>,
    ],
    ["Registered", <RelativeTime key="created" date={model.created_at} />],
    ["Gated", model.gated ? `yes (${model.gated}): nodes need an HF_TOKEN with access` : "no"],
  ];
  return (
    <Card>
      <h2 className="sr-only">Registration</h2>
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
            <dd className="min-w-0">{value}</dd>
          </div>
        ))}
      </dl>
      {model.warnings.length ? (
        <ul className="mt-4 list-disc space-y-1 rounded-md bg-amber-50 py-2 pr-3 pl-8 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          {model.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}
