// llmlb model show – one model: its manifest (variants, files), what each variant needs
// in memory, what every node reports about it, and where it fits (GET /api/models/{name},
// /v1/models/{name}, /api/nodes, /api/models/{name}/fit).
import type { Command } from "commander";
import { defaultFitContext, type FitReport } from "../../lib/api/fit";
import type { ModelDetail, V1Model } from "../../lib/api/model-schemas";
import { maxFitContext } from "../../lib/api/schemas";
import { addConnectionOptions, type ConnectionFlags, redactUrl, toModelName, withModelApi } from "../lib/connection";
import { formatAgo, formatSize, percent, plural, shortCommit, yesNo } from "../lib/display";
import { CliError, ExitCode } from "../lib/exit-codes";
import { fitCell, fitLine, formatContext, formatParameters, needParts } from "../lib/fit-display";
import { printJson, printLine, printWarning } from "../lib/output";
import { getNodeReports, type NodeReport } from "../lib/sync-status";
import { formatFields, formatTable } from "../lib/table";
import { describeFollow } from "../lib/upstream";

interface ShowFlags extends ConnectionFlags {
  context?: string;
  json?: boolean;
}

const HELP = `
NAME is hf/owner/repo or hf/owner/repo/path/to/file; owner/repo[/file] works too.
Nodes listed are those that report the model, and online nodes that have not yet.

Memory shows what each variant needs at a context length: its weights, the KV
cache (bytes per token × tokens) and the runtime's overhead. Fit shows, for each
online node and each complete variant, where it would load: on 1 GPU, split over
several GPUs, in system memory only (RAM only), or not at all (too large; format
not loaded: the node does not run that format). --context picks the length, as
8192, 8k or 128k (k = 1,024 tokens); the default is the model's own, at most 8k.

--json prints one object built from the API's answers, unchanged:
  {"model": GET /api/models/{name}, "v1": GET /v1/models/{name},
   "nodes": [{"id", "name", "online", "last_seen_at",
              "model": that node's entry for the model in GET /api/nodes, or null}],
   "fit": GET /api/models/{name}/fit?context=N}

Exit codes: 0 shown; 1 bad --context; 2 no such model; 6 key missing or rejected.

Examples:
  $ llmlb model show hf/acme/tiny-llama-GGUF
  $ llmlb model show acme/tiny-llama-GGUF/tiny-llama.Q4_K_M.gguf
  $ llmlb model show hf/acme/tiny-llama-GGUF --context 128k
  $ llmlb model show hf/acme/tiny-llama-GGUF --json | jq '.nodes[] | {name, state: .model.state}'
  $ llmlb model show hf/acme/tiny-llama-GGUF --context 32k --json | jq '.fit.details[] | {node, fits}'
`;

export function registerModelShowCommand(model: Command): void {
  const cmd = model
    .command("show")
    .argument("<name>", "registered model name (hf/owner/repo[/file]; the hf/ prefix is optional)")
    .description("show a model's manifest (variants, files) and each node's sync state")
    .option(
      "--context <tokens>",
      "context length of the memory need and the fit: 8192, 8k, 128k… (default: the model's, at most 8k)",
    )
    .option("--json", "print the API's JSON (model, /v1 entry, per-node states and fit)");
  addConnectionOptions(cmd)
    .addHelpText("after", HELP)
    .action(async (input: string, flags: ShowFlags) => {
      const name = toModelName(input);
      const context = flags.context === undefined ? undefined : parseContext(flags.context);
      await withModelApi(flags, async (api) => {
        // The detail first: an unknown name gets its own clear 404.
        const detail = await api.get(name);
        const [v1, nodes, fit] = await Promise.all([
          api.getV1(detail.data.name),
          api.nodes(detail.data.name),
          api.fit(detail.data.name, context),
        ]);
        const reports = getNodeReports(nodes.data.nodes, detail.data.name);
        if (flags.json) return printJson({ model: detail.body, v1: v1.body, nodes: reports, fit: fit?.body ?? null });
        printModel(detail.data, v1.data, redactUrl(api.baseUrl));
        printMemory(detail.data, fit?.data ?? null, context);
        printFiles(detail.data);
        printNodes(reports);
        printFit(fit?.data ?? null);
      });
    });
}

/** `--context`: 8192, 8k or 128k (k = 1,024 tokens), as the server takes it (1 to 10,000,000). */
export function parseContext(value: string): number {
  const match = /^\s*(\d{1,8})\s*(k)?\s*$/i.exec(value);
  const tokens = match ? Number(match[1]) * (match[2] ? 1024 : 1) : Number.NaN;
  if (!Number.isSafeInteger(tokens) || tokens < 1 || tokens > maxFitContext) {
    throw new CliError(
      `--context must be a number of tokens from 1 to ${maxFitContext.toLocaleString("en")}, like 8192, 8k or 128k (k = 1,024): ${value}`,
      ExitCode.usage,
    );
  }
  return tokens;
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
}

function printFiles(m: ModelDetail): void {
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

/** Each variant's parameters, data type, weights and KV cache, and its need at the report's context. */
function printMemory(m: ModelDetail, fit: FitReport | null, asked: number | undefined): void {
  const tokens = fit?.context ?? asked ?? defaultFitContext(m.variants);
  const context = formatContext(tokens);
  printLine();
  printLine(`Memory at ${context} context`);
  if (!m.variants.some((v) => v.memory)) {
    printLine(`  Unknown: ${fit?.unknown_reason ?? "the model's metadata was not read"}`);
    return;
  }
  const rows = m.variants.map((v) => ({ v, parts: v.memory ? needParts(v.memory, tokens) : null }));
  printLine(
    formatTable(
      rows,
      [
        { header: "VARIANT", value: ({ v }) => v.name },
        { header: "PARAMS", value: ({ v }) => (v.memory?.parameters ? formatParameters(v.memory.parameters) : "-") },
        { header: "DTYPE", value: ({ v }) => v.memory?.dtype ?? "-" },
        { header: "WEIGHTS", value: ({ v }) => (v.memory ? formatSize(v.memory.weight_bytes) : "-"), align: "right" },
        {
          header: "KV/TOKEN",
          value: ({ v }) =>
            typeof v.memory?.kv_bytes_per_token === "number" ? formatSize(v.memory.kv_bytes_per_token) : "-",
          align: "right",
        },
        { header: "KV CACHE", value: ({ parts }) => (parts ? formatSize(parts.kvCache) : "-"), align: "right" },
        {
          header: "NEED",
          value: ({ parts }) => (parts ? formatSize(parts.total) : "unknown"),
          align: "right",
        },
      ],
      "  ",
    ),
  );
  const reasons = new Set(
    m.variants.map((v) => (v.memory && !needParts(v.memory, tokens) ? v.memory.unknown_reason : null)),
  );
  for (const reason of reasons) if (reason) printLine(`  unknown: ${reason}`);
}

/** The node × variant table: where each complete variant would load on each online node. */
function printFit(fit: FitReport | null): void {
  printLine();
  if (!fit) {
    printLine("Fit: this server does not say (it is older than fit; upgrade it)");
    return;
  }
  printLine(`Fit at ${formatContext(fit.context)} context`);
  const hint = fit.smallest_need && fit.nodes === 0 ? " (start one with: llmlb node run)" : "";
  printLine(`  ${fitLine(fit)}${hint}`);
  // Without a known need every cell would read "unknown": the reason above says it once.
  if (fit.details.length === 0 || !fit.smallest_need) return;
  // Every node lists the same variants (the complete ones), in the same order.
  const variants = fit.details[0]?.variants.map((v) => v.variant) ?? [];
  printLine(
    formatTable(
      fit.details,
      [
        { header: "NODE", value: (d) => d.node },
        ...variants.map((name) => ({
          header: name,
          value: (d: FitReport["details"][number]) => {
            const cell = d.variants.find((v) => v.variant === name);
            return cell ? fitCell(cell) : "-";
          },
        })),
      ],
      "  ",
    ),
  );
  if (fit.warning) printWarning(fit.warning);
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
