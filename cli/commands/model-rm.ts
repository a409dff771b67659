// llmlb model rm – delete a registration (DELETE /api/models/{name}); nodes drop their
// copies at their next sync.
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { addConnectionOptions, type ConnectionFlags, toModelName, withModelApi } from "../lib/connection";
import { formatSize, plural } from "../lib/display";
import { CliError, ExitCode } from "../lib/exit-codes";
import { printLine } from "../lib/output";

interface RmFlags extends ConnectionFlags {
  yes?: boolean;
}

const HELP = `
The model disappears from every listing at once and nodes delete its files at
their next sync. Without --yes, asks for confirmation on a terminal, and refuses
(exit 1) when there is no terminal to ask on: scripts pass --yes.

Exit codes: 0 deleted; 1 not confirmed; 2 no such model; 6 key missing or not admin.

Examples:
  $ llmlb model rm hf/acme/tiny-llama-GGUF
  $ llmlb model rm acme/tiny-llama-GGUF --yes
`;

export function registerModelRmCommand(model: Command): void {
  const cmd = model
    .command("rm")
    .alias("remove")
    .argument("<name>", "registered model name (hf/owner/repo[/file]; the hf/ prefix is optional)")
    .description("delete a model from the registry; nodes remove its files at their next sync")
    .option("-y, --yes", "do not ask for confirmation");
  addConnectionOptions(cmd)
    .addHelpText("after", HELP)
    .action(async (input: string, flags: RmFlags) => {
      const name = toModelName(input);
      const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
      if (!flags.yes && !interactive) {
        throw new CliError(`not deleting ${name} without confirmation: pass --yes`, ExitCode.usage);
      }
      await withModelApi(flags, async (api) => {
        if (!flags.yes) {
          const [{ data: m }, { data: v1 }] = await Promise.all([api.get(name), api.getV1(name)]);
          const question = `Delete ${m.name} (${formatSize(m.size_bytes)}, ready on ${plural(v1.sync.ready_nodes, "node")})? Nodes will remove its files. [y/N] `;
          if (!(await confirm(question))) throw new CliError(`${m.name} was not deleted`, ExitCode.usage);
        }
        await api.remove(name);
        printLine(`Deleted ${name}. Nodes remove its files at their next sync.`);
      });
    });
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl-D closes the input: that is a no.
  const closed = new Promise<string>((resolve) => rl.once("close", () => resolve("")));
  try {
    return /^y(es)?$/i.test((await Promise.race([rl.question(question), closed])).trim());
  } finally {
    rl.close();
  }
}
