// Display helpers the console and the CLI share, so a size reads the same on the page
// and in the terminal. Pure functions with no imports: the CLI bundles them.

/** Decimal units, as the Hub shows sizes ("4.9 GB"). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
