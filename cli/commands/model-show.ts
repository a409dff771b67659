// llmlb model show – one model: its manifest (variants, files) and what every node
// reports about it (GET /api/models/{name}, /v1/models/{name}, /api/nodes).
import type { Command } from "commander";
import type { ModelDetail, V1Model } from "../../lib/api/model-schemas";
import { addConnectionOptions, type ConnectionFlags, redactUrl, toModelName, withModelApi } from "../lib/connection";
import { formatAgo, formatSize, percent, plural, shortCommit, yesNo } from "../lib/display";
import { printJson, printLine } from "../lib/output";
import { getNodeReports, type NodeReport } from "../lib/sync-status";
import { formatFields, formatTable } from "../lib/table";
import { describeFollow } from "../lib/upstream";

interface ShowFlags extends ConnectionFlags {
  json?: boolean;
}

const HELP = `
NAME is hf/owner/repo or hf/owner/repo/path/to/file; owner/repo[/file] works too.
Nodes listed are those that report the model, and online nodes that have not yet.

--json prints one object built from the API's answers, unchanged:
  {"model": GET /api/models/{name}, "v1": GET /v1/models/{name},
   "nodes": [{"id", "name", "online", "last_seen_at",
              "model": that node's entry for the model in GET /api/nodes, or null}]}

Exit codes: 0 shown; 2 no such model; 6 key missing or rejected.

Examples:
  $ llmlb model show hf/acme/tiny-llama-GGUF
  $ llmlb model show acme/tiny-llama-GGUF/tiny-llama.Q4_K_M.gguf
  $ llmlb model show hf/acme/tiny-llama-GGUF --json | jq '.nodes[] | {name, state: .model.state}'
`;

export function registerModelShowCommand(model: Command): void {
  const cmd = model
    .command("show")
    .argument("<name>", "registered model name (hf/owner/repo[/file]; the hf/ prefix is optional)")
    .description("show a model's manifest (variants, files) and each node's sync state")
    .option("--json", "print the API's JSON (model, /v1 entry and per-node states)");
  addConnectionOptions(cmd)
    .addHelpText("after", HELP)
    .action(async (input: string, flags: ShowFlags) => {
      const name = toModelName(input);
      await withModelApi(flags, async (api) => {
        // The detail first: an unknown name gets its own clear 404.
        const detail = await api.get(name);
        const [v1, nodes] = await Promise.all([api.getV1(detail.data.name), api.nodes(detail.data.name)]);
        const reports = getNodeReports(nodes.data.nodes, detail.data.name);
        if (flags.json) return printJson({ model: detail.body, v1: v1.body, nodes: reports });
        printModel(detail.data, v1.data, redactUrl(api.baseUrl));
        printNodes(reports);
      });
    });
}

function printModel(m: ModelDetail, v1: V1Model, baseUrl: string): void {
  const { sync } = v1;
  printLine(m.name);
  printLine(
    formatFields([
      ["display name", m.display_name],
      ["repository", m.repo],
      ["file", m.filename],
      ["revision", m.revision],
      ["commit", m.commit],
      ["follows", describeFollow(m)],
      [
        "staged update",
        m.rollout.candidate
          ? `${shortCommit(m.rollout.candidate.commit)} by ${m.rollout.candidate.staged_by} at ${m.rollout.candidate.staged_at} (llmlb model rollout ${m.name})`
          : null,
      ],
      [
        "previous commit",
        m.rollout.previous
          ? `${shortCommit(m.rollout.previous.commit)}, kept on the nodes until ${m.rollout.previous.keep_until}`
          : null,
      ],
      ["size", formatSize(m.size_bytes)],
      ["formats", m.formats.join(", ")],
      ["gated", m.gated ? `yes (${m.gated}): nodes need HF_TOKEN` : "no"],
      ["tags", m.tags.join(", ")],
      ["registered", m.created_at],
      ["ready", `${yesNo(v1.ready)}: ${sync.ready_nodes} of ${plural(sync.nodes, "node")} (sync ${sync.state})`],
      ["manifest", `${baseUrl}${m.manifest_url}`],
    ]),
  );
  for (const w of m.warnings) printLine(`  warning: ${w}`);
  printLine();
  printLine("Variants");
  printLine(
    formatTable(
      m.variants,
      [
        { header: "VARIANT", value: (v) => v.name },
        { header: "FORMAT", value: (v) => v.format },
        { header: "QUANT", value: (v) => v.quant ?? "-" },
        { header: "SIZE", value: (v) => formatSize(v.size_bytes), align: "right" },
        { header: "FILES", value: (v) => String(v.files.length), align: "right" },
        { header: "COMPLETE", value: (v) => (v.complete ? "yes" : `no, missing ${v.missing.join(", ")}`) },
      ],
      "  ",
    ),
  );
  printLine();
  printLine("Files");
  printLine(
    formatTable(
      m.artifacts,
      [
        { header: "FILE", value: (a) => a.filename },
        { header: "VARIANT", value: (a) => a.variant ?? "-" },
        { header: "ROLE", value: (a) => a.role },
        { header: "SIZE", value: (a) => formatSize(a.size_bytes), align: "right" },
        { header: "SHA256", value: (a) => (a.sha256 ? `${a.sha256.slice(0, 12)}…` : "-") },
      ],
      "  ",
    ),
  );
}

function printNodes(reports: NodeReport[]): void {
  printLine();
  printLine("Nodes");
  if (reports.length === 0) {
    printLine("  No node reports this model and none is online (start one with: llmlb node run).");
    return;
  }
  printLine(
    formatTable(
      reports,
      [
        { header: "NODE", value: (r) => r.name },
        { header: "ONLINE", value: (r) => (r.online ? "yes" : `no, seen ${formatAgo(r.last_seen_at)}`) },
        { header: "STATE", value: (r) => r.model?.state ?? "not reported yet" },
        { header: "VARIANT", value: (r) => r.model?.variant ?? "-" },
        { header: "PROGRESS", value: (r) => progressOf(r), align: "right" },
        { header: "ERROR", value: (r) => (r.model?.error ? `${r.model.error.code}: ${r.model.error.message}` : "") },
      ],
      "  ",
    ),
  );
}

function progressOf(r: NodeReport): string {
  const m = r.model;
  if (m?.state !== "downloading") return "-";
  const done = m.bytes_done ?? 0;
  const total = m.bytes_total ?? 0;
  return `${percent(done, total)} ${formatSize(done)}/${formatSize(total)}`;
}
