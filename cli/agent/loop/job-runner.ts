// The download worker: a job per queued model (model-sync.ts), each stoppable on its own
// (a model deleted mid-download) and all of them by the agent's signal.
import type { AgentContext, ModelRecord } from "./context";
import { syncModel } from "./model-sync";

/**
 * Starts a job for each queued model. Jobs run side by side; what bounds the work is the
 * file transfers they share (ctx.slots), so a model whose files wait to retry holds back
 * no other model.
 */
export async function runDownloadJobs(ctx: AgentContext): Promise<void> {
  const running = new Set<Promise<void>>();
  for (;;) {
    const name = await ctx.queue.next(ctx.signal);
    if (name === null) break;
    const rec = ctx.models.get(name);
    if (!rec?.plan || rec.job) continue;
    const job = runJob(ctx, rec);
    running.add(job);
    void job.finally(() => running.delete(job));
  }
  await Promise.all(running);
}

async function runJob(ctx: AgentContext, rec: ModelRecord): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  ctx.signal.addEventListener("abort", stop, { once: true });
  let finish = () => {};
  rec.job = { controller, done: new Promise<void>((resolve) => (finish = resolve)) };
  try {
    await syncModel(ctx, rec, controller.signal);
  } catch (err) {
    ctx.reporter.event("error", "agent.error", `${rec.name}: ${(err as Error).message}`, { model: rec.name });
  } finally {
    ctx.signal.removeEventListener("abort", stop);
    rec.job = null;
    finish();
  }
}
