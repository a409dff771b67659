// Exit codes scripts can rely on; one table for every llmlb command (`llmlb --help`
// prints it).
export const ExitCode = {
  ok: 0,
  /** Bad command line or settings, input the server cannot read (400), or any other failure (server unreachable). */
  usage: 1,
  /** No such model (404). */
  notFound: 2,
  /** The model is already registered (409). */
  conflict: 3,
  /** Hugging Face could not provide it (424), or the repo/file holds no complete model (422). */
  hub: 4,
  /** `--wait-ready` gave up: the model is registered but no node has it ready yet. */
  timeout: 5,
  /** LLMLB_API_KEY missing, or the server rejected it (401) or its scope (403). */
  auth: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** For `llmlb --help`. */
export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  usage error (unknown option, bad value, input the server cannot read) or
     any other failure, e.g. the server cannot be reached
  2  not found: no such model
  3  conflict: the model is already registered, or a rollout step cannot be
     taken now (nothing staged, not ready on every serving node) (node run:
     another node's key holds this node name)
  4  Hugging Face error: the Hub could not provide the repo, revision or file
     (HTTP 424), or it holds no complete model / is not a model file (HTTP 422)
  5  timeout: --wait-ready gave up; the model stays registered
  6  auth: LLMLB_API_KEY missing, rejected (401) or not allowed (403)`;

/** An error that ends the command with a specific exit code and a message for a person. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;

  constructor(message: string, exitCode: ExitCodeValue) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
