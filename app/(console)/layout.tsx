import { ConsoleHeader } from "@/components/layout/console-header";
import { requirePageUser } from "@/lib/auth/current-user";

// The proxy already sent signed-out visitors to /login; this also catches a
// session whose user was disabled since it was issued.
export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageUser();
  return (
    <div className="min-h-screen bg-zinc-50 dark:bg-zinc-950">
      <ConsoleHeader user={{ email: user.email, name: user.name, role: user.role }} />
      <main id="main" className="mx-auto max-w-7xl px-4 py-6 sm:px-6 lg:px-8">
        {children}
      </main>
    </div>
  );
}
