"use client";

import { ServerError } from "@/components/layout/server-error";

// Any page whose server part failed, the console's layout included (a database
// outage fails its user check first): a styled page instead of Next's bare one.
export default function ErrorPage(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="min-h-screen bg-zinc-50 px-4 dark:bg-zinc-950">
      <ServerError {...props} />
    </main>
  );
}
