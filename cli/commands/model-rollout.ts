// llmlb model update|rollout|promote|rollback|cancel – a staged update (docs/upstream.md):
// nodes download the candidate beside the commit they serve; a promotion switches them
// in one step; the previous commit stays on the nodes for the grace period.
import type { Command } from "commander";
import type { ModelDetail, RolloutProgress } from "../../lib/api/model-schemas";
import { ApiClientError } from "../lib/api-client";
import { addConnectionOptions, type ConnectionFlags, toModelName, withModelApi } from "../lib/connection";
import { formatSize, percent, plural, shortCommit } from "../lib/display";
import { CliError, ExitCode } from "../lib/exit-codes";
import type { ModelApi } from "../lib/model-api";
import { printJson, printLine, printWarning } from "../lib/output";
import { formatTable } from "../lib/table";
import { printDiff } from "../lib/upstream";

interface JsonFlags extends ConnectionFlags {
  json?: boolean;
}

const nameArg = "registered model name (hf/owner/repo[/file]; the hf/ prefix is optional)";
const commitPattern = /^[0-9a-f]{40}$/i;
const watchIntervalMs = 2000;

export function registerModelRolloutCommands(model: Command): void {
  addConnectionOptions(
    model
      .command("update")
      .argument("<name>", nameArg)
      .description("stage upstream's new commit: nodes download it while the current one keeps serving (admin)")
      .option("--commit <sha>", "stage this 40-hex commit instead of the revision's head")
      .option("--json", "print the API's JSON answer (GET /api/models/{name}'s shape)"),
  )
    .addHelpText(
      "after",
      `
Without --commit the server asks Hugging Face for the revision's head first. Nodes
download only the files that changed; \`llmlb model rollout NAME\` shows how far they
are, \`llmlb model promote NAME\` switches to it, \`llmlb model cancel NAME\` drops it.
Exit codes: 0 staged; 1 bad --commit; 2 no such model; 3 nothing to stage (already
served, upstream gone); 4 Hugging Face could not answer or has no such commit;
6 key missing or not admin.

Examples:
  $ llmlb model update hf/acme/tiny-llama-GGUF
  $ llmlb model update hf/acme/tiny-llama-GGUF --commit 0123456789abcdef0123456789abcdef01234567`,
    )
    .action(async (input: string, flags: JsonFlags & { commit?: string }) => {
      const commit = flags.commit?.trim();
      if (commit !== undefined && !commitPattern.test(commit)) {
        throw new CliError(`--commit must be a 40-hex-digit commit: ${flags.commit}`, ExitCode.usage);
      }
      await withModelApi(flags, async (api) => {
        const { data, body } = await api.stage(toModelName(input), commit?.toLowerCase());
        if (flags.json) return printJson(body);
        const candidate = data.rollout.candidate;
        if (!candidate) throw new CliError(`${data.name}: the server staged nothing`, ExitCode.usage);
        printLine(
          `${data.name}: staged ${shortCommit(candidate.commit)} (${formatSize(candidate.size_bytes)}); ${shortCommit(data.commit)} keeps serving`,
        );
        printLine();
        printDiff(candidate.diff);
        printLine();
        printLine(`Follow the nodes with: llmlb model rollout ${data.name}`);
      });
    });

  addConnectionOptions(
    model
      .command("rollout")
      .argument("<name>", nameArg)
      .description("each node's progress with the staged update, beside what it serves")
      .option(
        "--watch",
        `ask again every ${watchIntervalMs / 1000} s, printing what changed, until it can be promoted or nothing is staged`,
      )
      .option(
        "--json",
        "print the API's JSON answer (GET /api/models/{name}/rollout); with --watch, one line each time it changes",
      ),
  )
    .addHelpText(
      "after",
      `
A promotion waits for every online node that serves the model to have the update
ready ("holds back" names the others). Exit codes: 0 shown (also when nothing is
staged; with --watch, once it can be promoted, or is promoted, or cancelled);
2 no such model; 6 key missing.

Examples:
  $ llmlb model rollout hf/acme/tiny-llama-GGUF
  $ llmlb model rollout hf/acme/tiny-llama-GGUF --watch && llmlb model promote hf/acme/tiny-llama-GGUF`,
    )
    .action(async (input: string, flags: JsonFlags & { watch?: boolean }) => {
      await withModelApi(flags, async (api) => {
        const name = toModelName(input);
        if (flags.watch) return watchRollout(api, name, flags.json === true);
        const { data, body } = await api.rollout(name);
        if (flags.json) return printJson(body);
        printRollout(name, data);
      });
    });

  addConnectionOptions(
    model
      .command("promote")
      .argument("<name>", nameArg)
      .description("serve the staged update from now on (admin)")
      .option("--force", "promote even where a serving node does not have it ready yet")
      .option("--json", "print the API's JSON answer (the model, and not_ready: the nodes left without it)"),
  )
    .addHelpText(
      "after",
      `
Refused while an online node that serves the model lacks the update, unless --force:
such nodes then stop serving the model until they have downloaded it. The commit
served before stays on the nodes for LLMLB_ROLLBACK_GRACE (24 h by default), so
\`llmlb model rollback NAME\` needs no download. Exit codes: 0 promoted; 2 no such
model; 3 nothing staged, or not ready on every serving node (without --force);
6 key missing or not admin.

Examples:
  $ llmlb model promote hf/acme/tiny-llama-GGUF
  $ llmlb model promote hf/acme/tiny-llama-GGUF --force`,
    )
    .action(async (input: string, flags: JsonFlags & { force?: boolean }) => {
      await withModelApi(flags, async (api) => {
        const name = toModelName(input);
        const answer = await api.promote(name, flags.force === true).catch((err: unknown) => {
          // Refused for nodes that lack it (error.not_ready), not because nothing is staged.
          if (err instanceof ApiClientError && err.status === 409 && Array.isArray(err.details.not_ready)) {
            throw new CliError(
              `${err.message}\n  see each node: llmlb model rollout ${name}\n  promote anyway: llmlb model promote ${name} --force`,
              ExitCode.conflict,
            );
          }
          throw err;
        });
        const { data, body } = answer;
        if (flags.json) return printJson(body);
        printLine(`${data.name} now serves ${shortCommit(data.commit)}${previousNote(data)}`);
        if (data.not_ready.length) {
          printWarning(`not ready on ${data.not_ready.join(", ")}: they serve it once they have downloaded it`);
        }
      });
    });

  addConnectionOptions(
    model
      .command("rollback")
      .argument("<name>", nameArg)
      .description("serve the previous commit again (admin)")
      .option("--json", "print the API's JSON answer"),
  )
    .addHelpText(
      "after",
      `
Immediate where nodes still hold the previous commit (within LLMLB_ROLLBACK_GRACE of
the promotion); otherwise it is staged as an update, to promote once nodes have it.
Exit codes: 0 rolled back or staged; 2 no such model; 3 no previous commit;
6 key missing or not admin.

Examples:
  $ llmlb model rollback hf/acme/tiny-llama-GGUF`,
    )
    .action(async (input: string, flags: JsonFlags) => {
      await withModelApi(flags, async (api) => {
        const { data, body } = await api.rollback(toModelName(input));
        if (flags.json) return printJson(body);
        const staged = data.rollout.candidate;
        if (staged) {
          printLine(
            `${data.name}: no node still holds ${shortCommit(staged.commit)}, so it is staged: promote it once nodes have it (llmlb model rollout ${data.name})`,
          );
        } else {
          printLine(`${data.name} serves ${shortCommit(data.commit)} again${previousNote(data)}`);
        }
      });
    });

  addConnectionOptions(
    model
      .command("cancel")
      .argument("<name>", nameArg)
      .description("drop the staged update: nodes delete its files, the current commit keeps serving (admin)")
      .option("--json", "print the API's JSON answer"),
  )
    .addHelpText(
      "after",
      `
Exit codes: 0 cancelled; 2 no such model; 3 nothing staged; 6 key missing or not admin.

Examples:
  $ llmlb model cancel hf/acme/tiny-llama-GGUF`,
    )
    .action(async (input: string, flags: JsonFlags) => {
      await withModelApi(flags, async (api) => {
        const before = await api.get(toModelName(input));
        const { data, body } = await api.cancel(before.data.name);
        if (flags.json) return printJson(body);
        const dropped = before.data.rollout.candidate?.commit;
        printLine(
          `${data.name}: ${dropped ? `cancelled ${shortCommit(dropped)}` : "cancelled the staged update"}; ${shortCommit(data.commit)} keeps serving`,
        );
      });
    });
}

function previousNote(m: ModelDetail): string {
  const p = m.rollout.previous;
  return p ? ` (${shortCommit(p.commit)} kept on the nodes until ${p.keep_until})` : "";
}

/**
 * `rollout --watch`: the progress each time it changes (piped output stays short), until
 * a promotion would leave no node behind or nothing is staged any more (promoted by
 * `auto` or someone else, or cancelled). A server restarting meanwhile is waited out.
 */
async function watchRollout(api: ModelApi, name: string, json: boolean): Promise<void> {
  let shown: string | null = null;
  let unreachable = false;
  for (;;) {
    try {
      const { data, body } = await api.rollout(name);
      unreachable = false;
      const text = json ? JSON.stringify(body) : captureRollout(name, data);
      if (text !== shown) {
        if (json) printLine(text);
        else process.stdout.write(`${shown === null ? "" : "\n"}${new Date().toTimeString().slice(0, 8)}  ${text}`);
        shown = text;
      }
      if (!data.candidate || data.promotable) return;
    } catch (err) {
      if (!(err instanceof ApiClientError) || !err.transient) throw err;
      if (!unreachable) printWarning(`${err.message}; asking again`);
      unreachable = true;
    }
    await new Promise((resolve) => setTimeout(resolve, watchIntervalMs));
  }
}

function captureRollout(name: string, p: RolloutProgress): string {
  const lines: string[] = [];
  printRollout(name, p, (line = "") => lines.push(line));
  return lines.map((l) => `${l}\n`).join("");
}

function printRollout(name: string, p: RolloutProgress, print: (line?: string) => void = printLine): void {
  if (!p.candidate) {
    print(`${name}: no update is staged`);
    return;
  }
  const verdict = p.promotable
    ? "it can be promoted"
    : p.needed
      ? `a promotion waits for ${plural(p.needed - p.ready, "node")}`
      : "no online node serves the model yet";
  print(`${name}: ${shortCommit(p.candidate)} ready on ${p.ready} of ${plural(p.needed, "serving node")}; ${verdict}`);
  if (!p.nodes.length) return;
  print();
  print(
    formatTable(p.nodes, [
      { header: "NODE", value: (n) => (n.online ? n.node : `${n.node} (offline)`) },
      { header: "SERVING", value: (n) => n.current_state ?? "-" },
      { header: "UPDATE", value: (n) => n.state ?? "not started" },
      {
        header: "PROGRESS",
        value: (n) =>
          n.state === "downloading" && n.bytes_total
            ? `${formatSize(n.bytes_done ?? 0)} / ${formatSize(n.bytes_total)} (${percent(n.bytes_done ?? 0, n.bytes_total)})`
            : (n.error?.message ?? ""),
      },
      { header: "HOLDS BACK", value: (n) => (n.holds_back ? "yes" : "") },
    ]),
  );
}
