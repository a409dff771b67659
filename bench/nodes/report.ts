// Tables for stdout and the "Nodes" section of docs/benchmarks.md.
import { type Check, checksTable, formatPlainTable, markdownTable, type Table } from "../report-tables";

export { type Check, checksTable, markdownTable, type Table };

export const sectionHeading = "## Nodes (bench/nodes)";

/** What one bench contributes to the report. */
export interface Part {
  title: string;
  tables: Table[];
  checks: Check[];
  /** Paragraphs: what the figures mean. */
  notes: string[];
}

export function printPart(part: Part): void {
  console.log(`\n== ${part.title}`);
  for (const table of [...part.tables, checksTable(part.checks)]) console.log(`\n${formatPlainTable(table)}`);
}
