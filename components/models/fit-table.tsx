import type { FitReport } from "@/lib/api/fit";
import { Table } from "../ui/table";
import { describeVariantFit, variantFitTone } from "./fit-text";

/**
 * Each online node × each complete variant of a fit report. Scrolls sideways on a phone
 * rather than squeezing the cells. Nothing to show without an online node.
 */
export function FitTable({
  report,
  compact = false,
  caption,
}: {
  report: FitReport;
  compact?: boolean;
  caption: string;
}) {
  const variants = report.details[0]?.variants.map((v) => v.variant) ?? [];
  if (report.details.length === 0) return null;
  const cell = compact ? "py-1.5 pr-4 align-top" : "px-3 py-2 align-top";
  const columns = [{ label: "Node" }, ...variants.map((v) => ({ label: v, className: "font-mono normal-case" }))];
  return (
    <Table
      compact={compact}
      caption={caption}
      columns={columns}
      className="min-w-[28rem]"
      wrapperClassName={compact ? undefined : "mt-2"}
    >
      {report.details.map((node) => (
        <tr key={node.node} data-testid="fit-row" data-node={node.node}>
          <th scope="row" className={`${cell} font-mono font-normal whitespace-nowrap`}>
            {node.node}
          </th>
          {node.variants.map((v) => (
            <td
              key={v.variant}
              data-testid="fit-cell"
              data-variant={v.variant}
              data-fit={v.fit}
              className={`${cell} ${variantFitTone(v)}`}
              title={v.fit === "unknown" ? (report.unknown_reason ?? undefined) : undefined}
            >
              {describeVariantFit(v)}
            </td>
          ))}
        </tr>
      ))}
    </Table>
  );
}
