import Link from "next/link";
import { signOutAction } from "@/app/(console)/actions";
import { Badge } from "../ui/badge";
import { Button, focusRing } from "../ui/button";
import { cn } from "../ui/cn";
import { NavLinks } from "./nav-links";

export function ConsoleHeader({ user }: { user: { email: string; name: string | null; role: "admin" | "viewer" } }) {
  const links = [
    { href: "/models", label: "Models" },
    { href: "/nodes", label: "Nodes" },
    ...(user.role === "admin"
      ? [
          { href: "/keys", label: "API keys" },
          { href: "/users", label: "Users" },
          { href: "/activity", label: "Activity" },
        ]
      : []),
  ];
  return (
    <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <a
        href="#main"
        className="sr-only rounded bg-indigo-600 px-3 py-2 text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6 lg:px-8">
        <span className="font-semibold tracking-tight">
          llmlb <span className="font-normal text-zinc-500 dark:text-zinc-400">console</span>
        </span>
        <div className="order-last w-full md:order-none md:w-auto">
          <NavLinks links={links} />
        </div>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <Link
            href="/account"
            title="Your account: change your password"
            className={cn(
              "rounded text-zinc-600 hover:text-zinc-900 dark:text-zinc-300 dark:hover:text-white",
              focusRing,
            )}
          >
            <span className="hidden max-w-48 truncate align-bottom sm:inline-block" data-testid="user-email">
              {user.name || user.email}
            </span>
            <span className="sm:hidden">Your account</span>
          </Link>
          <Badge tone={user.role === "admin" ? "blue" : "gray"}>{user.role}</Badge>
          <form action={signOutAction}>
            <Button type="submit" variant="ghost" size="sm">
              Sign out
            </Button>
          </form>
        </div>
      </div>
    </header>
  );
}
