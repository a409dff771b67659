"use client";

import { useRouter } from "next/navigation";
import { startTransition, useEffect, useState } from "react";
import { Button } from "../ui/button";
import { Card } from "../ui/card";

type Cause = "checking" | "database" | "other";

/**
 * What a page that failed on the server shows. In production Next hides the server's
 * message from the browser, so the page asks /api/health whether the database is the
 * reason: an outage then reads as one (and as temporary), not as a crash.
 */
export function ServerError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  const [cause, setCause] = useState<Cause>("checking");
  // biome-ignore lint/correctness/useExhaustiveDependencies: ask again for each new error
  useEffect(() => {
    let current = true;
    setCause("checking");
    fetch("/api/health", { cache: "no-store" })
      .then((res) => (res.status === 503 ? "database" : "other"))
      .catch(() => "other" as const)
      .then((found) => current && setCause(found));
    return () => {
      current = false;
    };
  }, [error]);

  const retry = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });

  return (
    <div className="mx-auto max-w-xl py-10">
      <Card>
        <div role="alert" aria-busy={cause === "checking"} className="space-y-3">
          {cause === "database" ? (
            <>
              <h1 className="text-xl font-semibold tracking-tight">The database is unavailable</h1>
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                llmlb console cannot reach its database right now, so this page cannot be shown. Nothing saved is lost,
                and nodes keep serving the models they have. Try again in a few seconds.
              </p>
            </>
          ) : cause === "checking" ? (
            <>
              <h1 className="text-xl font-semibold tracking-tight">This page could not be shown</h1>
              <p className="text-sm text-zinc-600 dark:text-zinc-400">Checking whether the database answers…</p>
            </>
          ) : (
            <>
              <h1 className="text-xl font-semibold tracking-tight">Something went wrong</h1>
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                The server could not show this page; the error was logged
                {error.digest ? ` (reference ${error.digest})` : ""}.
              </p>
            </>
          )}
          <Button onClick={retry}>Try again</Button>
        </div>
      </Card>
    </div>
  );
}
