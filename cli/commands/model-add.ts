// llmlb model add – register a Hugging Face model (POST /api/models/register), and
// optionally wait until a node has it ready.
import type { Command } from "commander";
import type { RegisterResponse } from "../../lib/api/model-schemas";
import { addConnectionOptions, type ConnectionFlags, withModelApi } from "../lib/connection";
import { formatSize, plural, shortCommit } from "../lib/display";
import { formatDuration, parseDuration } from "../lib/duration";
import { CliError, ExitCode } from "../lib/exit-codes";
import { fitLine, needLine } from "../lib/fit-display";
import { printJson, printLine, printWarning } from "../lib/output";
import { formatFields, formatTable } from "../lib/table";
import { describeFollow, parseFollow } from "../lib/upstream";
import { waitForReady } from "../lib/wait-ready";

interface AddFlags extends ConnectionFlags {
  file?: string;
  displayName?: string;
  waitReady?: boolean;
  timeout?: string;
  follow?: string;
  json?: boolean;
}

const HELP = `
The reference is what you would paste from the Hub: owner/repo, a repository or
file URL (…/tree/REV, …/blob/REV/PATH, …/resolve/REV/PATH), or owner/repo:QUANT
for one GGUF quantization. The server checks it against Hugging Face and stores
the manifest; nodes download the files themselves.

The summary says what the model needs in memory (weights, KV cache and overhead of
its smallest complete variant at its context, at most 8k tokens) and on how many
online nodes it fits; llmlb model show NAME --context N shows each node at another
context. --json prints the API's answer, with that report as "fit".

--wait-ready then follows the nodes' sync (bytes and ready nodes; a live bar on a
terminal, a line per change on stderr otherwise) and returns once an online node
has the model ready. At --timeout it exits 5: the model stays registered.

Exit codes: 0 registered (and ready); 1 bad input; 3 already registered;
4 Hugging Face could not provide it (repo, revision or file not found, private,
rate-limited, unreachable: HTTP 424) or it holds no complete model, or the file is
not a model file (HTTP 422); 5 not ready in time; 6 key missing or not admin.

Examples:
  $ llmlb model add Qwen/Qwen2.5-0.5B-Instruct-GGUF
  $ llmlb model add https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/blob/main/qwen2.5-0.5b-instruct-q4_k_m.gguf
  $ llmlb model add Qwen/Qwen2.5-0.5B-Instruct-GGUF --file qwen2.5-0.5b-instruct-q4_k_m.gguf --display-name "Qwen 0.5B"
  $ llmlb model add bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M --wait-ready --timeout 10m
  $ llmlb model add Qwen/Qwen2.5-0.5B-Instruct --json | jq -r .name
`;

export function registerModelAddCommand(model: Command): void {
  const cmd = model
    .command("add")
    .argument("<url|owner/repo>", "Hugging Face repository or file: URL, owner/repo, or owner/repo:QUANT")
    .description("register a Hugging Face model (validated against the Hub; nodes download it)")
    .option("--file <path>", "one file of the repository (a shard selects its whole set)")
    .option("--display-name <name>", "name shown in the console (default: from the repo or file)")
    .option("--wait-ready", "wait until an online node has the model ready, with a progress bar")
    .option("--timeout <duration>", "with --wait-ready: give up after 30s, 5m, 1h… (default 30m)")
    .option(
      "--follow <policy>",
      "manual (default: notice upstream changes and show them), auto (also stage and promote them) or off",
    )
    .option("--json", "print the API's JSON answer (progress goes to stderr as JSON lines)");
  addConnectionOptions(cmd)
    .addHelpText("after", HELP)
    .action(async (reference: string, flags: AddFlags) => {
      await addModel(reference, flags);
    });
}

async function addModel(reference: string, flags: AddFlags): Promise<void> {
  if (flags.timeout !== undefined && !flags.waitReady) {
    throw new CliError("--timeout only applies with --wait-ready", ExitCode.usage);
  }
  const timeoutMs = parseDuration(flags.timeout ?? "30m", "--timeout");
  const follow = parseFollow(flags.follow);
  await withModelApi(flags, async (api) => {
    const { data, body } = await api.register({
      repo: reference,
      filename: flags.file,
      display_name: flags.displayName,
      follow,
    });
    if (flags.json) printJson(body);
    else printRegistration(data, flags.waitReady ?? false);
    if (!flags.waitReady) return;
    const { model, elapsedMs } = await waitForReady({
      api,
      name: data.name,
      variants: data.model.variants,
      timeoutMs,
      json: flags.json ?? false,
    });
    if (!flags.json) {
      printLine(
        `${model.id} is ready on ${model.sync.ready_nodes} of ${plural(model.sync.nodes, "node")} (${formatDuration(elapsedMs)})`,
      );
    }
  });
}

function printRegistration(r: RegisterResponse, waiting: boolean): void {
  const m = r.model;
  printLine(`Registered ${r.name}`);
  printLine(
    formatFields([
      ["display name", m.display_name],
      ["repository", m.filename ? `${m.repo}, file ${m.filename}` : m.repo],
      ["commit", `${shortCommit(m.commit)} (${m.revision})`],
      ["follows", describeFollow(m)],
      ["size", formatSize(m.size_bytes)],
      ["gated", m.gated ? `yes (${m.gated}): nodes need HF_TOKEN` : null],
    ]),
  );
  printLine();
  printLine(
    formatTable(m.variants, [
      { header: "VARIANT", value: (v) => v.name },
      { header: "FORMAT", value: (v) => v.format },
      { header: "SIZE", value: (v) => formatSize(v.size_bytes), align: "right" },
      { header: "FILES", value: (v) => String(v.files.length), align: "right" },
      { header: "COMPLETE", value: (v) => (v.complete ? "yes" : `no, missing ${v.missing.join(", ")}`) },
    ]),
  );
  printLine();
  const { fit } = r;
  if (fit) {
    const need = needLine(fit, m.variants);
    if (need) printLine(need);
    printLine(fitLine(fit));
  } else {
    printLine("Fit: this server does not say (it is older than fit)");
  }
  for (const w of r.warnings) printWarning(w);
  // The server lists the fit's warning among `warnings` too: say it once.
  if (fit?.warning && !r.warnings.includes(fit.warning)) printWarning(fit.warning);
  if (!waiting) printLine(`\nNodes pick it up at their next sync; follow it with: llmlb model show ${r.name}`);
}
