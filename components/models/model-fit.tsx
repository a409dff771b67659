"use client";

import { useId, useState } from "react";
import { useModelFit } from "@/components/data/use-model-fit";
import { type FitReport, formatContext } from "@/lib/api/fit";
import type { ModelDetail } from "@/lib/api/model-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { Badge } from "../ui/badge";
import { focusRing } from "../ui/button";
import { Card } from "../ui/card";
import { cn } from "../ui/cn";
import { Table } from "../ui/table";
import { FitTable } from "./fit-table";
import { needParts, summarizeFit } from "./fit-text";
import { VariantShape } from "./variant-need";

/** The contexts a person can pick, besides the default; never more than the model takes. */
const presetContexts = [2048, 4096, 8192, 16384, 32768, 131072];

export function contextChoices(defaultContext: number, modelContext: number | null): number[] {
  const within = (c: number) => modelContext === null || c <= modelContext;
  return [...new Set([...presetContexts.filter(within), defaultContext])].sort((a, b) => a - b);
}

const td = "px-3 py-2 align-top";
const num = `${td} text-right tabular-nums whitespace-nowrap`;
const muted = "text-zinc-500 dark:text-zinc-400";

/**
 * "Memory and fit": what each variant needs at a context a person picks, and where that fits
 * on the nodes online now (docs/fit.md). The needs are worked out here from the stored per-token
 * costs; the node × variant table comes from `GET /api/models/{name}/fit?context=N`.
 */
export function ModelFit({
  name,
  variants,
  initialFit,
}: {
  name: string;
  variants: ModelDetail["variants"];
  initialFit: FitReport;
}) {
  const labelId = useId();
  const [context, setContext] = useState(initialFit.context);
  const fit = useModelFit(name, context, initialFit);
  const report = fit.data ?? initialFit;
  const modelContext = variants.map((v) => v.memory?.context_length).find((c) => typeof c === "number") ?? null;
  const choices = contextChoices(initialFit.context, modelContext);
  const loading = report.context !== context;

  return (
    <div data-testid="model-fit">
      <Card className="space-y-5">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 className="text-base font-semibold">Memory and fit</h2>
            <p className={`text-sm ${muted}`}>
              Weights + KV cache (16-bit) + runtime overhead, at a context length.
              {modelContext ? ` The model takes up to ${formatContext(modelContext)} tokens.` : null}
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <span id={`${labelId}-context`} className={`text-sm ${muted}`}>
              Context
            </span>
            <fieldset
              aria-labelledby={`${labelId}-context`}
              className="flex flex-wrap rounded-md border border-zinc-300 dark:border-zinc-700"
            >
              {choices.map((c) => (
                <button
                  key={c}
                  type="button"
                  aria-pressed={c === context}
                  onClick={() => setContext(c)}
                  title={`${c.toLocaleString("en")} tokens${c === initialFit.context ? " (default)" : ""}`}
                  className={cn(
                    "h-8 px-2.5 text-sm tabular-nums first:rounded-l-md last:rounded-r-md",
                    focusRing,
                    c === context
                      ? "bg-zinc-800 text-white dark:bg-zinc-200 dark:text-zinc-900"
                      : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
                  )}
                >
                  {formatContext(c)}
                </button>
              ))}
            </fieldset>
          </div>
        </div>

        <VariantNeeds variants={variants} context={context} />

        <div>
          <h3 className="text-sm font-semibold">On the online nodes</h3>
          <p className="mt-1 text-sm" data-testid="fit-summary" aria-live="polite">
            {summarizeFit(report)}
            {loading ? <span className={`ml-2 ${muted}`}>· updating for {formatContext(context)}…</span> : null}
          </p>
          {fit.error && !loading ? (
            <p className="mt-1 text-sm text-red-700 dark:text-red-400">Could not refresh: {fit.error.message}</p>
          ) : null}
          {report.warning ? (
            <p className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
              {report.warning}
            </p>
          ) : null}
          <div className={cn("transition-opacity", loading && "opacity-60")}>
            <FitTable report={report} caption={`Where each variant fits at ${formatContext(report.context)} context`} />
          </div>
        </div>
      </Card>
    </div>
  );
}

/** Each variant's need at `context`, part by part; "unknown" with the reason when it cannot be told. */
function VariantNeeds({ variants, context }: { variants: ModelDetail["variants"]; context: number }) {
  const at = formatContext(context);
  const right = "text-right";
  const columns = [
    { label: "Variant" },
    { label: "Parameters · type", className: "whitespace-nowrap" },
    { label: "Weights", className: right },
    { label: "KV cache / token", className: right },
    { label: `KV cache at ${at}`, className: right },
    { label: "Overhead", className: right },
    { label: `Total at ${at}`, className: right },
  ];
  return (
    <Table columns={columns} caption={`What each variant needs at ${at} context`} className="min-w-[44rem]">
      {variants.map((v) => {
        const parts = v.memory ? needParts(v.memory, context) : null;
        return (
          <tr key={v.name} data-testid="need-row" data-variant={v.name}>
            <td className={`${td} font-mono`}>
              {v.name} {v.complete ? null : <Badge tone="amber">incomplete</Badge>}
            </td>
            <td className={td}>
              <VariantShape memory={v.memory} />
            </td>
            <td className={num}>{v.memory ? formatBytes(v.memory.weight_bytes) : "—"}</td>
            {parts && v.memory?.kv_bytes_per_token != null ? (
              <>
                <td className={num}>{formatBytes(v.memory.kv_bytes_per_token)}</td>
                <td className={num} data-testid="need-kv">
                  {formatBytes(parts.kvCache)}
                </td>
                <td className={num}>{formatBytes(parts.overhead)}</td>
                <td className={`${num} font-medium`} data-testid="need-total">
                  {formatBytes(parts.total)}
                </td>
              </>
            ) : (
              <td colSpan={4} className={`${td} ${muted}`} data-testid="need-unknown">
                unknown: {v.memory?.unknown_reason ?? "not read at registration (registered before fit was known)"}
              </td>
            )}
          </tr>
        );
      })}
    </Table>
  );
}
