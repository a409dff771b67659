import { formatContext } from "@/lib/api/fit";
import { formatBytes } from "@/lib/format/bytes";
import type { RegistrationPreview } from "@/lib/registry/preview-registration";
import { Badge } from "../ui/badge";
import { Table } from "../ui/table";
import { FitTable } from "./fit-table";
import { summarizeFit } from "./fit-text";
import { VariantNeed, VariantShape } from "./variant-need";

const right = "text-right";

/** What a registration will store, shown before anything is stored. */
export function RegistrationPreviewPanel({ plan, hubUrl }: { plan: RegistrationPreview; hubUrl: string }) {
  // The stale-data warning gets its own notice below; the rest are listed.
  const warnings = plan.warnings.filter((w) => !plan.stale || !/cached earlier/.test(w));
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h3 className="font-mono text-sm font-semibold break-all">{plan.name}</h3>
        <span className="text-sm text-zinc-600 dark:text-zinc-400">“{plan.displayName}”</span>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-500 dark:text-zinc-400">Repository</dt>
        <dd className="break-all">{plan.repo}</dd>
        {plan.filename ? (
          <>
            <dt className="text-zinc-500 dark:text-zinc-400">File</dt>
            <dd className="font-mono break-all">{plan.filename}</dd>
          </>
        ) : null}
        <dt className="text-zinc-500 dark:text-zinc-400">Revision</dt>
        <dd>
          {plan.revision} →{" "}
          <a
            className="font-mono text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
            href={`${hubUrl}/${plan.repo}/tree/${plan.commit}`}
            target="_blank"
            rel="noreferrer"
            title={plan.commit}
          >
            {plan.commit.slice(0, 12)}
          </a>
        </dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Total size</dt>
        <dd>
          <span data-testid="preview-total">{formatBytes(plan.sizeBytes)}</span>{" "}
          <span className="text-zinc-500 dark:text-zinc-400" data-testid="preview-total-note">
            {plan.variants.length > 1 || plan.auxFiles.length
              ? `every variant${plan.auxFiles.length ? " and auxiliary file" : ""}; a node downloads one variant`
              : "the one variant a node downloads"}
          </span>
        </dd>
      </dl>
      <Table
        compact
        caption="Variants that will be registered"
        className="min-w-[40rem]"
        columns={[
          { label: "Variant" },
          { label: "Format" },
          { label: "Files" },
          { label: "Size", className: right },
          { label: "Model" },
          { label: `Needs at ${formatContext(plan.fit.context)}`, className: right },
        ]}
      >
        {plan.variants.map((v) => (
          <tr key={v.name} data-testid="preview-variant" data-variant={v.name}>
            <td className="py-1.5 pr-4 align-top font-mono">
              {v.name} {v.complete ? null : <Badge tone="amber">incomplete</Badge>}
            </td>
            <td className="py-1.5 pr-4 align-top">{v.format}</td>
            <td className="py-1.5 pr-4 align-top">{v.files}</td>
            <td className="py-1.5 pr-4 text-right align-top tabular-nums">{formatBytes(v.sizeBytes)}</td>
            <td className="py-1.5 pr-4 align-top">
              <VariantShape memory={v.memory} />
            </td>
            <td className="py-1.5 pr-4 text-right align-top" data-testid="preview-need">
              <VariantNeed memory={v.memory} context={plan.fit.context} />
            </td>
          </tr>
        ))}
      </Table>
      {plan.auxFiles.length ? (
        <div className="text-sm" data-testid="preview-aux">
          <p className="font-medium">Auxiliary files</p>
          <p className="text-zinc-500 dark:text-zinc-400">
            In no variant: a multimodal projector a runtime loads beside any GGUF variant. Registered and counted in the
            total; nodes do not download it with a variant.
          </p>
          <ul className="mt-1 space-y-0.5">
            {plan.auxFiles.map((f) => (
              <li key={f.filename} className="flex flex-wrap gap-x-3" data-testid="preview-aux-file">
                <span className="font-mono break-all">{f.filename}</span>
                <span className="tabular-nums text-zinc-600 dark:text-zinc-400">{formatBytes(f.sizeBytes)}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <PreviewFit fit={plan.fit} />
      {plan.stale ? (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          Hugging Face could not be reached just now: this preview uses metadata cached earlier and may be out of date.
        </p>
      ) : null}
      {warnings.length ? (
        <ul className="list-disc space-y-1 pl-5 text-sm text-amber-900 dark:text-amber-200" aria-label="Warnings">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** "Fits on N of M online nodes", with each node's answer one click away. */
function PreviewFit({ fit }: { fit: RegistrationPreview["fit"] }) {
  return (
    <div className="text-sm" data-testid="preview-fit">
      <p className="font-medium" data-testid="preview-fit-summary">
        {summarizeFit(fit)}
      </p>
      {fit.details.length ? (
        <details className="mt-1 group">
          <summary className="cursor-pointer text-indigo-700 select-none hover:underline dark:text-indigo-300">
            Node by node
          </summary>
          <div className="mt-2">
            <FitTable
              compact
              report={fit}
              caption={`Where each variant fits at ${formatContext(fit.context)} context`}
            />
          </div>
        </details>
      ) : null}
    </div>
  );
}
