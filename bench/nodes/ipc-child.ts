// A TypeScript child process (run under tsx's loader) spoken to over IPC: commands out,
// typed messages back. The simulated fleets of bench/nodes and bench/scale both run so.
import { type ChildProcess, spawn } from "node:child_process";

export interface IpcChild<C, M extends { type: string }> {
  pid: number;
  send(command: C): void;
  /** The next message of `type`; rejects on an `error` message, on exit, or after `timeoutMs`. */
  next<T extends M["type"]>(type: T, timeoutMs: number): Promise<Extract<M, { type: T }>>;
  /** Sends `stop` and waits for the exit (SIGKILL after `killAfterMs`). */
  stop(stopCommand: C, killAfterMs: number): Promise<void>;
}

export function spawnIpcChild<C, M extends { type: string }>(
  name: string,
  script: string,
  nodeArgs: string[] = [],
): IpcChild<C, M> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return {
    pid: child.pid as number,
    send: (command) => child.send(command as object),
    next(type, timeoutMs) {
      type Wanted = Extract<M, { type: typeof type }>;
      return new Promise<Wanted>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${name}: no ${type} within ${timeoutMs} ms`)), timeoutMs);
        const onMessage = (m: { type: string; message?: string }) => {
          if (m.type === "error") done(new Error(`${name}: ${m.message}`));
          else if (m.type === type) done(null, m as unknown as Wanted);
        };
        const onExit = (code: number | null) => done(new Error(`${name} exited with ${code}`));
        const done = (error: Error | null, value?: Wanted) => {
          clearTimeout(timer);
          child.off("message", onMessage);
          child.off("exit", onExit);
          if (error) reject(error);
          else resolve(value as Wanted);
        };
        child.on("message", onMessage);
        child.once("exit", onExit);
      });
    },
    stop(stopCommand, killAfterMs) {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.send(stopCommand as object);
      });
    },
  };
}
