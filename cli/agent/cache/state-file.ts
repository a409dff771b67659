// What this agent put in the cache, kept across restarts in {cache}/.llmlb/agent-{node}.json:
// per model the files it tracks (so a restart reports ready models without downloading
// again), per repo the blobs and links it wrote (so deletion never touches anything else),
// and the blobs whose bytes were last found to match their names (verify-blob.ts).
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { WrittenFiles } from "./gc";
import type { BlobLedger, BlobStamp } from "./verify-blob";

const trackedModelSchema = z.object({
  repo: z.string(),
  commit: z.string(),
  revision: z.string(),
  variant: z.string(),
  files: z.array(
    z.object({ path: z.string(), blob: z.string().nullable(), size: z.number().nullable().default(null) }),
  ),
  /** Every file was in place and verified when last checked. */
  ready: z.boolean().default(false),
});
export type TrackedModel = z.infer<typeof trackedModelSchema>;

const agentStateSchema = z.object({
  version: z.literal(1),
  models: z.record(z.string(), trackedModelSchema),
  /** Keyed by repo id. */
  written: z.record(z.string(), z.object({ blobs: z.array(z.string()), links: z.array(z.string()) })),
  /** Keyed by `{repo}/{blob}`: size and mtime when the blob last matched its name. */
  verified: z.record(z.string(), z.object({ size: z.number(), mtimeMs: z.number() })).default({}),
});
export type AgentState = z.infer<typeof agentStateSchema>;

export function agentStatePath(cacheDir: string, nodeName: string): string {
  return path.join(cacheDir, ".llmlb", `agent-${nodeName}.json`);
}

const emptyState = (): AgentState => ({ version: 1, models: {}, written: {}, verified: {} });

/** A missing file is a first start; an unreadable one is set aside, not fatal. */
export async function loadAgentState(file: string): Promise<{ state: AgentState; warning: string | null }> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { state: emptyState(), warning: null };
    throw err;
  }
  try {
    return { state: agentStateSchema.parse(JSON.parse(text)), warning: null };
  } catch (err) {
    const aside = `${file}.corrupt-${Date.now()}`;
    await fs.rename(file, aside).catch(() => {});
    return {
      state: emptyState(),
      warning: `ignored unreadable state file (moved to ${aside}): ${(err as Error).message}`,
    };
  }
}

/** Temp file + rename: a crash leaves the old state or the new one, never half of either. */
export async function saveAgentState(file: string, state: AgentState): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
  await fs.rename(temp, file);
}

export class AgentStateStore implements BlobLedger {
  state: AgentState = emptyState();
  private queued: Promise<void> | null = null;
  private last: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  async load(): Promise<string | null> {
    const { state, warning } = await loadAgentState(this.file);
    this.state = state;
    return warning;
  }

  /** The record of what was written in `repo`; created on first use. */
  written(repo: string): WrittenFiles {
    this.state.written[repo] ??= { blobs: [], links: [] };
    return this.state.written[repo];
  }

  recordWritten(repo: string, kind: "blobs" | "links", value: string): void {
    const list = this.written(repo)[kind];
    if (!list.includes(value)) list.push(value);
  }

  stampOf(repo: string, blob: string): BlobStamp | undefined {
    return this.state.verified[`${repo}/${blob}`];
  }

  record(repo: string, blob: string, stamp: BlobStamp): void {
    this.state.verified[`${repo}/${blob}`] = stamp;
  }

  forget(repo: string, blob: string): void {
    delete this.state.verified[`${repo}/${blob}`];
  }

  /** Writes are serialized, and calls made while one is waiting share the next write. */
  save(): Promise<void> {
    if (this.queued) return this.queued;
    const run = this.last.then(() => {
      this.queued = null;
      for (const [repo, w] of Object.entries(this.state.written)) {
        if (w.blobs.length === 0 && w.links.length === 0) delete this.state.written[repo];
      }
      return saveAgentState(this.file, this.state);
    });
    this.queued = run;
    this.last = run.catch(() => {});
    return run;
  }
}
