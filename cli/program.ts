// The llmlb command tree: `node run` today, `model add|list|show|rm` next. Every command
// talks to the server only through its public HTTP API.
import { Command, CommanderError } from "commander";
import packageJson from "../package.json";
import { registerNodeRunCommand } from "./commands/node-run";
import { CliError, ExitCode } from "./lib/exit-codes";

export function buildProgram(): Command {
  const program = new Command("llmlb")
    .description("llmlb console CLI: register models and run nodes (configured by LLMLB_URL and LLMLB_API_KEY)")
    .version(packageJson.version)
    // Throw instead of exiting so main() maps usage errors to their own exit code.
    .exitOverride()
    .showHelpAfterError("(add --help for usage)");
  const node = program.command("node").description("run this machine as an llmlb node");
  registerNodeRunCommand(node);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (err instanceof CliError) {
      process.stderr.write(`llmlb: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`llmlb: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    return ExitCode.failure;
  }
}
