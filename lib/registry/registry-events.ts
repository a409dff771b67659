import "server-only";
import { EventEmitter } from "node:events";
import { getDb } from "@/lib/db/client";
import { logger } from "@/lib/log/logger";
import { invalidateFingerprint } from "./fingerprint-cache";

export const registryChannel = "llmlb_registry";

// One LISTEN per process, fanned out in memory to every waiting request.
type Events = { emitter: EventEmitter; subscribed: Promise<void> | null };
const globalForEvents = globalThis as unknown as { __llmlbRegistryEvents?: Events };
globalForEvents.__llmlbRegistryEvents ??= { emitter: new EventEmitter().setMaxListeners(0), subscribed: null };
const events: Events = globalForEvents.__llmlbRegistryEvents;

/**
 * Tell every server instance that the registry moved (PostgreSQL NOTIFY; PGlite
 * delivers it in-process). Waiting listings wake up on it; a lost notification only
 * delays them until their timeout, so failures are logged, not thrown.
 */
export async function publishRegistryChange(version: number): Promise<void> {
  try {
    const database = await getDb();
    await database.notify(registryChannel, String(version));
  } catch (err) {
    logger.warn({ err, event: "registry.notify_failed" }, "could not publish registry change");
  }
}

function ensureSubscribed(): Promise<void> {
  events.subscribed ??= getDb()
    .then((database) =>
      database.listen(registryChannel, (payload) => {
        invalidateFingerprint();
        events.emitter.emit("change", payload);
      }),
    )
    .then(() => undefined)
    .catch((error) => {
      events.subscribed = null;
      throw error;
    });
  return events.subscribed;
}

export interface ChangeWaiter {
  /** Resolves true on a registry change, false when the time is up or the request went away. */
  changed: Promise<boolean>;
  cancel(): void;
}

/** Start listening for the next change; listen first, then re-check state, to miss nothing. */
export async function watchRegistry({
  timeoutMs,
  signal,
}: {
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<ChangeWaiter> {
  await ensureSubscribed();
  let cancel = () => {};
  const changed = new Promise<boolean>((resolve) => {
    const done = (value: boolean) => {
      clearTimeout(timer);
      events.emitter.off("change", onChange);
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    };
    const onChange = () => done(true);
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), Math.max(0, timeoutMs));
    events.emitter.on("change", onChange);
    signal?.addEventListener("abort", onAbort);
    cancel = () => done(false);
  });
  return { changed, cancel };
}
