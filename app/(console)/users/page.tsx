import type { Metadata } from "next";
import { AdminOnly } from "@/components/layout/admin-only";
import { PageHeader } from "@/components/ui/card";
import { UsersConsole } from "@/components/users/users-console";
import { requirePageUser } from "@/lib/auth/current-user";
import { listUsers } from "@/lib/users/manage-users";

export const metadata: Metadata = { title: "Users · llmlb console" };
export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const me = await requirePageUser();
  const header = (
    <PageHeader
      title="Users"
      description="People who sign in to this console. Admins register and delete models and manage keys and users; viewers see everything and change nothing."
    />
  );
  if (me.role !== "admin") return <AdminOnly header={header} what="users" />;
  const users = await listUsers();
  return (
    <div className="space-y-6">
      {header}
      <UsersConsole
        meId={me.id}
        users={users.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, disabled: u.disabled }))}
      />
    </div>
  );
}
