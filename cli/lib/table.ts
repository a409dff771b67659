// Aligned plain-text tables for the human-readable output of the model commands.

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** Numbers read best right-aligned. */
  align?: "left" | "right";
}

/** Columns two spaces apart, headers in capitals, no trailing spaces. */
export function formatTable<T>(rows: T[], columns: Column<T>[], indent = ""): string {
  const cells = rows.map((row) => columns.map((c) => sanitize(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (values: string[]) =>
    indent +
    values
      .map((v, i) => (columns[i]?.align === "right" ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map((r) => line(r))].join("\n");
}

/** Key/value lines ("  commit   1a2b3c4"), keys aligned. */
export function formatFields(fields: [string, string | null | undefined][], indent = "  "): string {
  const shown = fields.filter((f): f is [string, string] => f[1] !== null && f[1] !== undefined && f[1] !== "");
  const width = Math.max(0, ...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${indent}${k.padEnd(width)}  ${sanitize(v)}`).join("\n");
}

// A value from the server (a display name, an error message) must not break the layout
// or smuggle terminal escapes.
function sanitize(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ");
}
