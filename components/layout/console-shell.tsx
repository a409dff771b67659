import type { ReactNode } from "react";
import { ConsoleHeader } from "./console-header";

type ShellUser = Parameters<typeof ConsoleHeader>[0]["user"];

/** The signed-in console's frame: header and navigation above the page. */
export function ConsoleShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  return (
    <div className="min-h-screen bg-zinc-50 dark:bg-zinc-950">
      <ConsoleHeader user={{ email: user.email, name: user.name, role: user.role }} />
      <main id="main" className="mx-auto max-w-7xl px-4 py-6 sm:px-6 lg:px-8">
        {children}
      </main>
    </div>
  );
}
