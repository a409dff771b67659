// Where the model commands write: results on stdout, warnings and progress on stderr.

// A reader that went away (`llmlb model list | head -1`) is not an error of ours.
process.stdout.on("error", () => {});

export function printLine(text = ""): void {
  process.stdout.write(`${text}\n`);
}

/** `--json`: the API's body as received, indented. */
export function printJson(body: unknown): void {
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
}

export function printWarning(text: string): void {
  process.stderr.write(`warning: ${text}\n`);
}
