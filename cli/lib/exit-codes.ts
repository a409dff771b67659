// Exit codes scripts can rely on; shared by every llmlb command.
export const ExitCode = {
  ok: 0,
  /** Unexpected failure (a bug, or an error with no better code). */
  failure: 1,
  /** Bad command line: unknown option, missing argument. */
  usage: 2,
  /** Missing or invalid configuration (LLMLB_API_KEY unset, malformed URL, bad --formats). */
  config: 6,
  /** The server rejected the API key (401) or its scope (403). */
  auth: 7,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with a specific exit code and a message for a person. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;

  constructor(message: string, exitCode: ExitCodeValue) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
