// Parent side of floor-server.mjs: start the floor in its own process and drive `clients`
// long-pollers against it from this process, as the agents long-poll llmlb. One round:
// POST /hook, then the time until every client has the manifest of the new version.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export interface StagingFloor {
  /** ms from the hook's POST to each client's manifest answer. */
  round(): Promise<number[]>;
  stop(): Promise<void>;
}

export async function startStagingFloor(opts: { port: number; hubMetadataUrl: string; clients: number }) {
  const child = spawn(
    process.execPath,
    [path.join(__dirname, "floor-server.mjs"), String(opts.port), opts.hubMetadataUrl],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await listening(child);
  const controller = new AbortController();
  /** Per client: the last version whose manifest it holds, and when it got it. */
  const got = Array.from({ length: opts.clients }, () => ({ version: 0, at: 0 }));
  let notify = () => {};
  const loops = got.map(async (mine) => {
    let etag: string | null = null;
    while (!controller.signal.aborted) {
      try {
        const res: Response = await fetch(`${url}/listing`, {
          headers: etag ? { "if-none-match": etag } : {},
          signal: controller.signal,
        });
        etag = res.headers.get("etag");
        const { models } = (await res.json()) as { models: { version: number }[] };
        await (await fetch(`${url}/manifest`, { signal: controller.signal })).arrayBuffer();
        mine.version = models[0]?.version ?? 0;
        mine.at = Date.now();
        notify();
      } catch {
        if (controller.signal.aborted) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  const everyClientAt = (version: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("floor: clients did not see the change within 10 s")), 10_000);
      notify = () => {
        if (got.every((g) => g.version >= version)) {
          clearTimeout(timer);
          resolve();
        }
      };
      notify();
    });
  await everyClientAt(1);
  return {
    async round() {
      const version = Math.max(...got.map((g) => g.version)) + 1;
      const t0 = Date.now();
      const res = await fetch(`${url}/hook`, { method: "POST", body: "{}" });
      await res.arrayBuffer();
      await everyClientAt(version);
      return got.map((g) => g.at - t0);
    },
    async stop() {
      controller.abort();
      await Promise.allSettled(loops);
      await stopChild(child);
    },
  } satisfies StagingFloor;
}

function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("floor did not start within 10 s"));
    }, 10_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`floor exited with ${code}`));
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const m = /listening (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve(`http://127.0.0.1:${m[1]}`);
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
