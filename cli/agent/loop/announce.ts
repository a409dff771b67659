// Announcing the node: at startup, and again when the server forgot it.
import { ApiClientError } from "../../lib/api-client";
import { CliError, ExitCode } from "../../lib/exit-codes";
import { getFreeDiskBytes } from "../cache/disk";
import { Backoff, sleep } from "../download/retry";
import type { AgentContext } from "./context";
import type { OutageLog } from "./outage-log";

export const freeDisk = (ctx: AgentContext) => getFreeDiskBytes(ctx.config.cacheDir).catch(() => null);

/**
 * At startup a rejected key or node name ends the command (someone is there to fix it);
 * later, when a heartbeat finds the node forgotten, they are logged and retried, so a
 * server restarted with a different configuration cannot take a fleet down.
 */
export async function announce(ctx: AgentContext, outage: OutageLog, atStartup: boolean): Promise<void> {
  const backoff = new Backoff();
  const { config } = ctx;
  while (!ctx.signal.aborted) {
    try {
      const res = await ctx.api.announce(
        {
          name: config.name,
          runtimes: config.runtimes,
          formats: config.formats,
          gpus: config.gpus,
          memory_bytes: config.memoryBytes,
          free_disk_bytes: await freeDisk(ctx),
          agent_version: config.agentVersion,
        },
        ctx.signal,
      );
      outage.up();
      ctx.nodeId = res.id;
      ctx.heartbeatMs = clampInterval(res.heartbeat_interval_s);
      ctx.reporter.event("info", "announced", `announced as ${res.name} (${res.id}) to ${config.url}`, {
        node_id: res.id,
        name: res.name,
        heartbeat_interval_s: res.heartbeat_interval_s,
      });
      return;
    } catch (err) {
      if (ctx.signal.aborted) return;
      if (atStartup && err instanceof ApiClientError && (err.status === 401 || err.status === 403)) {
        throw new CliError(
          `the server rejected LLMLB_API_KEY (${err.status} ${err.code}): ${err.message}`,
          ExitCode.auth,
        );
      }
      if (atStartup && err instanceof ApiClientError && err.status === 409) {
        throw new CliError(`${err.message} (set LLMLB_NODE_NAME or --name)`, ExitCode.conflict);
      }
      if (atStartup && err instanceof ApiClientError && err.status === 400) {
        throw new CliError(`the server refused this node: ${err.message}`, ExitCode.usage);
      }
      const delay = backoff.next();
      outage.down(err, delay);
      await sleep(delay, ctx.signal);
    }
  }
}

export const clampInterval = (seconds: number) => Math.min(300_000, Math.max(1000, Math.round(seconds * 1000)));
