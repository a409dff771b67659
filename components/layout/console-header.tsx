import { signOutAction } from "@/app/(console)/actions";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { NavLinks } from "./nav-links";

export function ConsoleHeader({ user }: { user: { email: string; name: string | null; role: "admin" | "viewer" } }) {
  const links = [
    { href: "/models", label: "Models" },
    { href: "/nodes", label: "Nodes" },
    ...(user.role === "admin"
      ? [
          { href: "/keys", label: "API keys" },
          { href: "/users", label: "Users" },
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
          <span
            className="hidden max-w-48 truncate text-zinc-600 sm:inline dark:text-zinc-300"
            data-testid="user-email"
          >
            {user.name || user.email}
          </span>
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
