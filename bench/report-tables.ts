// Tables shared by every bench: fixed-width for the terminal, Markdown for
// docs/benchmarks.md, and the one function that replaces a bench's section there.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
}

export interface Check {
  what: string;
  target: string;
  measured: string;
  /** null: a figure the issue asks to report, with no threshold. */
  pass: boolean | null;
  /** A wrong answer rather than a slow one: failing it fails the run. */
  gate?: boolean;
}

const isNumeric = (cell: string) => /^[-–−+\d.,%× ]+$/.test(cell);

/** Fixed-width columns for the terminal; numbers right-aligned. */
export function formatPlainTable(table: Table): string {
  const widths = table.headers.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? "").length)));
  const numeric = table.headers.map((_, i) => table.rows.every((r) => isNumeric(r[i] ?? "")));
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [table.title, line(table.headers), rule, ...table.rows.map(line)].join("\n");
}

export function markdownTable(table: Table): string {
  const numeric = table.headers.map((_, i) => table.rows.every((r) => isNumeric(r[i] ?? "")));
  const row = (cells: string[]) => `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
  const align = numeric.map((n) => (n ? "---:" : "---"));
  return [`**${table.title}**`, "", row(table.headers), `|${align.join("|")}|`, ...table.rows.map(row)].join("\n");
}

export function checksTable(checks: Check[]): Table {
  return {
    title: "Targets",
    headers: ["What", "Target", "Measured", "Result"],
    rows: checks.map((c) => [c.what, c.target, c.measured, c.pass === null ? "reported" : c.pass ? "pass" : "FAIL"]),
  };
}

/** Replace the section under `heading` (up to the next `## `), keeping every other section. */
export function writeSection(file: string, heading: string, section: string): void {
  const body = `${section.trimEnd()}\n`;
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `# Benchmarks\n\nFigures printed by the benches in \`bench/\`.\n\n${body}`);
    return;
  }
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(`${heading}\n`);
  if (start === -1) {
    writeFileSync(file, `${text.trimEnd()}\n\n${body}`);
    return;
  }
  const next = text.indexOf("\n## ", start + heading.length);
  const rest = next === -1 ? "" : `\n${text.slice(next + 1)}`;
  writeFileSync(file, `${text.slice(0, start)}${body}${rest}`);
}

/** Replace the section under `heading`, or put it first: right after the file's title and intro. */
export function writeSectionFirst(file: string, heading: string, section: string): void {
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const start = text.indexOf(`${heading}\n`);
  if (start !== -1) {
    writeSection(file, heading, section);
    return;
  }
  const first = text.indexOf("\n## ");
  const head = first === -1 ? text.trimEnd() : text.slice(0, first).trimEnd();
  const rest = first === -1 ? "" : `\n${text.slice(first + 1)}`;
  writeFileSync(file, `${head}\n\n${section.trimEnd()}\n${rest}`);
}
