// llmlb model add|list|show|rm|check|diff|history|follow|update|rollout|promote|rollback|cancel – the registry from a terminal or a script (README "CLI").
import type { Command } from "commander";
import { registerModelAddCommand } from "./model-add";
import { registerModelListCommand } from "./model-list";
import { registerModelRmCommand } from "./model-rm";
import { registerModelRolloutCommands } from "./model-rollout";
import { registerModelShowCommand } from "./model-show";
import { registerModelUpstreamCommands } from "./model-upstream";

const HELP = `
Every command reads LLMLB_URL (default http://localhost:3000) and LLMLB_API_KEY;
--url and --api-key override them. add, rm, check, follow, update, promote, rollback
and cancel need an admin key; list, show, diff, history and rollout work with any key. NAME is the registered name, hf/owner/repo or
hf/owner/repo/path/to/file; owner/repo[/file] works as a shorthand.

Examples:
  $ export LLMLB_URL=https://llmlb.example.com LLMLB_API_KEY=llmlb_…
  $ llmlb model add https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF --wait-ready
  $ llmlb model list
  $ llmlb model show hf/Qwen/Qwen2.5-0.5B-Instruct-GGUF
  $ llmlb model check hf/Qwen/Qwen2.5-0.5B-Instruct-GGUF
  $ llmlb model update hf/Qwen/Qwen2.5-0.5B-Instruct-GGUF
  $ llmlb model promote hf/Qwen/Qwen2.5-0.5B-Instruct-GGUF
  $ llmlb model rm hf/Qwen/Qwen2.5-0.5B-Instruct-GGUF --yes
`;

export function registerModelCommands(program: Command): void {
  const model = program
    .command("model")
    .description("register, list, inspect and remove models")
    .addHelpText("after", HELP);
  registerModelAddCommand(model);
  registerModelListCommand(model);
  registerModelShowCommand(model);
  registerModelRmCommand(model);
  registerModelUpstreamCommands(model);
  registerModelRolloutCommands(model);
}
