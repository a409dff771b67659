import { ConsoleShell } from "@/components/layout/console-shell";
import { requirePageUser } from "@/lib/auth/current-user";

// The proxy already sent signed-out visitors to /login; this also catches a
// session whose user was disabled since it was issued.
export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageUser();
  return <ConsoleShell user={user}>{children}</ConsoleShell>;
}
