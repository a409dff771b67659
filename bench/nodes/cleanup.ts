// Undo stacks for the benches: servers, agents, databases and temp folders are
// released even when a measurement throws, the watchdog fires or the user presses ^C.

export interface Cleanups {
  add(label: string, run: () => Promise<unknown> | unknown): void;
}

type Step = { label: string; run: () => Promise<unknown> | unknown };
const open = new Set<Step[]>();

async function unwind(steps: Step[]): Promise<void> {
  // Newest first, and every step runs even when an earlier one fails.
  for (const step of steps.splice(0).reverse()) {
    try {
      await step.run();
    } catch (error) {
      console.error(`cleanup: ${step.label} failed:`, error);
    }
  }
}

/** Runs `body` with its own undo stack, unwound when it returns or throws. */
export async function withCleanups<T>(body: (cleanups: Cleanups) => Promise<T>): Promise<T> {
  const steps: Step[] = [];
  open.add(steps);
  try {
    return await body({ add: (label, run) => steps.push({ label, run }) });
  } finally {
    await unwind(steps);
    open.delete(steps);
  }
}

/** For the watchdog and signal handlers: unwind every stack still open. */
export async function cleanUpEverything(): Promise<void> {
  for (const steps of [...open].reverse()) await unwind(steps);
}

/**
 * Runs a bench's `main` as the process: its result is the exit code; a throw, ^C or
 * `watchdogMs` passing unwinds every open stack first.
 */
export function runBenchMain(main: () => Promise<number>, watchdogMs: number): void {
  const watchdog = setTimeout(() => {
    console.error(`bench did not finish within ${watchdogMs / 60_000} min; cleaning up`);
    void cleanUpEverything().finally(() => process.exit(1));
  }, watchdogMs);
  watchdog.unref();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void cleanUpEverything().finally(() => process.exit(130));
    });
  }
  main()
    .then((code) => {
      process.exitCode = code;
    })
    .catch(async (error: unknown) => {
      console.error(error);
      await cleanUpEverything();
      process.exitCode = 1;
    })
    .finally(() => clearTimeout(watchdog));
}
