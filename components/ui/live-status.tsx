import { ApiRequestError } from "../data/fetcher";

function describePause(error: Error): string {
  if (error instanceof ApiRequestError && error.status === 401) return "your session has ended, sign in again";
  return error.message;
}

/** "12 registered · live" or why live updates are paused; announced politely. */
export function LiveStatus({ error, label }: { error: Error | undefined; label: string }) {
  return (
    <p className="text-sm text-zinc-500 dark:text-zinc-400" aria-live="polite">
      {label} ·{" "}
      {error ? (
        <span className="text-amber-700 dark:text-amber-300">live updates paused: {describePause(error)}</span>
      ) : (
        <span>
          <span aria-hidden className="mr-1 inline-block size-2 rounded-full bg-emerald-500 align-middle" />
          live
        </span>
      )}
    </p>
  );
}
