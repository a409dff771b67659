// llmlb model list – every registered model with its sync state (GET /v1/models).
import type { Command } from "commander";
import { addConnectionOptions, type ConnectionFlags, withModelApi } from "../lib/connection";
import { formatSize, shortCommit, yesNo } from "../lib/display";
import { printJson, printLine } from "../lib/output";
import { formatTable } from "../lib/table";

interface ListFlags extends ConnectionFlags {
  json?: boolean;
}

const HELP = `
Columns: READY is yes when at least one online node has the model fully synced;
SYNC is registered (no node has it yet), syncing, ready or error; NODES counts
ready nodes out of the online nodes that report the model. --json prints
GET /v1/models as is.

Examples:
  $ llmlb model list
  $ llmlb model list --json | jq -r '.data[] | select(.ready) | .id'
`;

export function registerModelListCommand(model: Command): void {
  const cmd = model
    .command("list")
    .alias("ls")
    .description("list registered models with their sync state")
    .option("--json", "print the API's JSON (GET /v1/models)");
  addConnectionOptions(cmd)
    .addHelpText("after", HELP)
    .action(async (flags: ListFlags) => {
      await withModelApi(flags, async (api) => {
        const { data, body } = await api.list();
        if (flags.json) return printJson(body);
        if (data.data.length === 0) {
          return printLine("No models registered yet. Add one with: llmlb model add <url|owner/repo>");
        }
        printLine(
          formatTable(data.data, [
            { header: "NAME", value: (m) => m.id },
            { header: "READY", value: (m) => yesNo(m.ready) },
            { header: "SYNC", value: (m) => m.sync.state },
            { header: "NODES", value: (m) => `${m.sync.ready_nodes}/${m.sync.nodes}`, align: "right" },
            { header: "SIZE", value: (m) => formatSize(m.size_bytes), align: "right" },
            { header: "FORMATS", value: (m) => m.formats.join(",") },
            { header: "COMMIT", value: (m) => shortCommit(m.commit) },
          ]),
        );
      });
    });
}
