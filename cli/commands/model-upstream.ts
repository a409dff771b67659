// llmlb model check|diff|history|follow – what a model's revision does upstream
// (docs/upstream.md): check now, show the diff, the commit's history, the follow policy.
import type { Command } from "commander";
import { addConnectionOptions, type ConnectionFlags, toModelName, withModelApi } from "../lib/connection";
import { shortCommit } from "../lib/display";
import { CliError, ExitCode } from "../lib/exit-codes";
import { printJson, printLine } from "../lib/output";
import { describeFollow, parseFollow, printDiff, printHistory } from "../lib/upstream";

interface JsonFlags extends ConnectionFlags {
  json?: boolean;
}

const nameArg = "registered model name (hf/owner/repo[/file]; the hf/ prefix is optional)";

export function registerModelUpstreamCommands(model: Command): void {
  addConnectionOptions(
    model
      .command("check")
      .argument("<name>", nameArg)
      .description("ask Hugging Face now whether the model's revision moved (admin)")
      .option("--json", "print the API's JSON answer (GET /api/models/{name}'s shape)"),
  )
    .addHelpText(
      "after",
      `
Prints whether an update is available and, if so, what changed. What is served
does not change. Exit codes: 0 checked (whatever the answer); 2 no such model;
3 registered at a commit (nothing to follow) or follow is off; 4 Hugging Face
could not answer;
6 key missing or not admin.

Examples:
  $ llmlb model check hf/acme/tiny-llama-GGUF`,
    )
    .action(async (input: string, flags: JsonFlags) => {
      await withModelApi(flags, async (api) => {
        const { data, body } = await api.check(toModelName(input));
        if (flags.json) return printJson(body);
        printLine(`${data.name} follows ${describeFollow(data)}`);
        if (data.upstream.diff) {
          printLine();
          printDiff(data.upstream.diff);
        }
      });
    });

  addConnectionOptions(
    model
      .command("diff")
      .argument("<name>", nameArg)
      .description("show what changed upstream since the pinned commit, as last checked")
      .option("--json", "print the diff as the API has it (upstream.diff of GET /api/models/{name})"),
  )
    .addHelpText(
      "after",
      `
Reads the last check's result; \`llmlb model check NAME\` checks again first.
Exit codes: 0 shown (also when there is no update); 2 no such model; 6 key missing.

Examples:
  $ llmlb model diff hf/acme/tiny-llama-GGUF`,
    )
    .action(async (input: string, flags: JsonFlags) => {
      await withModelApi(flags, async (api) => {
        const { data } = await api.get(toModelName(input));
        if (flags.json) return printJson(data.upstream.diff);
        if (!data.upstream.diff) {
          printLine(`${data.name}: no update to show; it follows ${describeFollow(data)}`);
          return;
        }
        printLine(`${data.name}: update available`);
        printDiff(data.upstream.diff);
      });
    });

  addConnectionOptions(
    model
      .command("history")
      .argument("<name>", nameArg)
      .description("every change of the model's commit, and upstream seen moving, newest first")
      .option("--json", "print the API's JSON answer"),
  )
    .addHelpText("after", "\nExamples:\n  $ llmlb model history hf/acme/tiny-llama-GGUF")
    .action(async (input: string, flags: JsonFlags) => {
      await withModelApi(flags, async (api) => {
        const { data, body } = await api.history(toModelName(input));
        if (flags.json) return printJson(body);
        printHistory(data);
      });
    });

  addConnectionOptions(
    model
      .command("follow")
      .argument("<name>", nameArg)
      .argument(
        "<policy>",
        "manual (notice upstream changes and show them), auto (also stage them and promote once nodes have them) or off (never check)",
      )
      .description("set whether the model's revision is checked upstream (admin)")
      .option("--json", "print the API's JSON answer"),
  )
    .addHelpText(
      "after",
      "\nExit codes: 0 set; 1 not manual, auto or off; 2 no such model; 6 key missing or not admin.\n\nExamples:\n  $ llmlb model follow hf/acme/tiny-llama-GGUF off\n  $ llmlb model follow hf/acme/tiny-llama-GGUF auto",
    )
    .action(async (input: string, policy: string, flags: JsonFlags) => {
      const follow = parseFollow(policy);
      if (!follow) throw new CliError("name a policy: manual, auto or off", ExitCode.usage);
      await withModelApi(flags, async (api) => {
        const { data, body } = await api.setFollow(toModelName(input), follow);
        if (flags.json) return printJson(body);
        printLine(`${data.name} (${shortCommit(data.commit)}) follows ${describeFollow(data)}`);
      });
    });
}
