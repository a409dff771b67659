// llmlb node run – turn this machine into a syncing node (the agent: cli/agent/run-agent.ts).
import { type Command, Option } from "commander";
import { createReporter } from "../agent/output/progress";
import { runAgent } from "../agent/run-agent";
import { type NodeRunFlags, resolveNodeRunConfig, secretsOf } from "../lib/config";

const EXAMPLES = `
Environment:
  LLMLB_URL, LLMLB_API_KEY      server and node (or admin) key, as for every llmlb command
  HF_ENDPOINT, HF_TOKEN         the Hub to download from, and its token (HF_TOKEN is read
                                from the environment only and never printed)
  HF_HUB_CACHE / HF_HOME        cache location, as for huggingface_hub
  LLMLB_NODE_GPUS               JSON list reported to the server, e.g.
                                '[{"name":"RTX 4090","memory_bytes":25757220864}]'
  LLMLB_NODE_MEMORY             system memory models may use, e.g. 48G (default: all of it)
  LLMLB_NODE_CONTEXT            tokens of context models are served at (8192): the largest
                                variant that fits the GPUs (else memory) at it is taken, and
                                a model none of whose variants fits is reported too_large
  LLMLB_STALL_TIMEOUT_MS        abort a transfer that receives nothing for this long (60000)

Output: live progress bars on a terminal; one JSON object per line otherwise.
Stop with Ctrl-C (SIGINT) or SIGTERM: partial downloads are kept and resumed next time.

Examples:
  $ LLMLB_URL=https://llmlb.example.com LLMLB_API_KEY=llmlb_… llmlb node run
  $ HF_TOKEN=hf_… llmlb node run --name gpu-01 --formats safetensors --runtime vllm
  $ llmlb node run --cache-dir /data/hf-cache --reserve-disk 50G | tee agent.log
`;

export function registerNodeRunCommand(node: Command): void {
  node
    .command("run")
    .description(
      "announce this machine as a node, download every registered model straight from Hugging Face into the standard HF cache, and report sync state",
    )
    .addOption(new Option("--url <url>", "llmlb server (env LLMLB_URL, default http://localhost:3000)"))
    .addOption(
      new Option("--api-key <key>", "node or admin API key (env LLMLB_API_KEY; prefer the variable: flags show in ps)"),
    )
    .addOption(
      new Option("--hf-endpoint <url>", "Hugging Face Hub or mirror (env HF_ENDPOINT, default https://huggingface.co)"),
    )
    .addOption(
      new Option(
        "--cache-dir <dir>",
        "HF hub cache (env HF_HUB_CACHE, default $HF_HOME/hub or ~/.cache/huggingface/hub)",
      ),
    )
    .addOption(new Option("--name <name>", "node name (env LLMLB_NODE_NAME, default the host name)"))
    .addOption(
      new Option(
        "--formats <list>",
        "formats this node loads, in preference order (env LLMLB_NODE_FORMATS, default gguf,safetensors,onnx)",
      ),
    )
    .addOption(
      new Option(
        "--runtime <name>",
        "runtime reported to the server, repeatable (default llama.cpp when gguf comes first, else vllm)",
      ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    )
    .addOption(
      new Option(
        "--reserve-disk <bytes>",
        "disk space to keep free, bytes or 50G (env LLMLB_NODE_RESERVE_DISK, default 0)",
      ),
    )
    .addOption(
      new Option(
        "--downloads <n>",
        "files downloaded at once, 1 to 16; a file waiting to retry takes none (env LLMLB_NODE_DOWNLOADS, default 3)",
      ),
    )
    .addOption(new Option("--poll-wait <seconds>", "registry long-poll wait (default 25)"))
    .addHelpText("after", EXAMPLES)
    .action(async (flags: NodeRunFlags) => {
      await runNodeCommand(flags);
    });
}

export async function runNodeCommand(flags: NodeRunFlags): Promise<void> {
  const config = resolveNodeRunConfig(flags, process.env);
  const reporter = createReporter({ secrets: secretsOf(config) });
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(0); // second Ctrl-C: no more waiting
    reporter.event("info", "agent.stopping", `${signal}: stopping (partial downloads are kept)`, { signal });
    controller.abort();
    // Everything is abortable; this only guards against a stuck file-system call.
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await runAgent(config, reporter, controller.signal);
    reporter.event("info", "agent.stopped", "stopped", {});
  } finally {
    reporter.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
