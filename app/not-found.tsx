import type { Metadata } from "next";
import { ConsoleShell } from "@/components/layout/console-shell";
import { NotFoundMessage } from "@/components/layout/not-found-message";
import { getCurrentUser } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Not found · llmlb console" };

// Any path no route matches. It renders outside the (console) layout, so it draws the
// console's frame itself: the same header and navigation when signed in.
export default async function NotFound() {
  const user = await getCurrentUser().catch(() => null);
  if (user) {
    return (
      <ConsoleShell user={user}>
        <NotFoundMessage />
      </ConsoleShell>
    );
  }
  return (
    <main id="main" className="min-h-screen bg-zinc-50 px-4 py-10 dark:bg-zinc-950">
      <div className="mx-auto max-w-xl">
        <NotFoundMessage signedIn={false} />
      </div>
    </main>
  );
}
