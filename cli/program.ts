// The llmlb command tree: `model add|list|show|rm` and `node run`. Every command talks
// to the server only through its public HTTP API.
import { Command, CommanderError } from "commander";
import packageJson from "../package.json";
import { registerModelCommands } from "./commands/model";
import { registerNodeRunCommand } from "./commands/node-run";
import { CliError, EXIT_CODES_HELP, ExitCode } from "./lib/exit-codes";

const HELP = `
Environment:
  LLMLB_URL      the llmlb server (default http://localhost:3000); --url overrides
  LLMLB_API_KEY  an API key (llmlb_…): admin to add and remove models, any scope to
                 list and show, node for \`node run\`; --api-key overrides

Output: aligned tables for people; --json prints the API's JSON for scripts.
Errors go to stderr as "error: <the server's message>".

${EXIT_CODES_HELP}

Examples:
  $ export LLMLB_URL=https://llmlb.example.com LLMLB_API_KEY=llmlb_…
  $ llmlb model add Qwen/Qwen2.5-0.5B-Instruct-GGUF --wait-ready
  $ llmlb model list
  $ llmlb node run --name gpu-01
  $ llmlb model add --help
`;

export function buildProgram(onAction: (command: Command) => void = () => {}): Command {
  const program = new Command("llmlb")
    .description("llmlb console CLI: register models and run nodes (configured by LLMLB_URL and LLMLB_API_KEY)")
    .version(packageJson.version)
    // Throw instead of exiting so main() maps usage errors to their own exit code.
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", HELP)
    .hook("preAction", (_program, action) => onAction(action));
  registerModelCommands(program);
  const node = program.command("node").description("run this machine as an llmlb node");
  registerNodeRunCommand(node);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const running: { action: Command | null } = { action: null };
  try {
    await buildProgram((command) => {
      running.action = command;
    }).parseAsync(argv);
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0; commander printed the message.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    // `node run` keeps the prefix its log collectors already match.
    const prefix = isNodeRun(running.action) ? "llmlb: " : "error: ";
    if (err instanceof CliError) {
      process.stderr.write(`${prefix}${err.message}\n`);
      return err.exitCode;
    }
    // A bug: say what happened, without a stack trace unless asked for.
    const detail = process.env.LLMLB_DEBUG
      ? ((err as Error)?.stack ?? String(err))
      : String((err as Error)?.message ?? err);
    process.stderr.write(`${prefix}unexpected error: ${detail}\n`);
    return ExitCode.usage;
  }
}

function isNodeRun(command: Command | null): boolean {
  return command?.name() === "run" && command.parent?.name() === "node";
}
