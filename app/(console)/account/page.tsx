import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { ChangePasswordForm } from "@/components/users/change-password-form";
import { requirePageUser } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Your account · llmlb console" };
export const dynamic = "force-dynamic";

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ password?: string }> }) {
  const me = await requirePageUser();
  const { password } = await searchParams;
  return (
    <div className="max-w-2xl space-y-6">
      <PageHeader title="Your account" description="Who you are signed in as, and your password." />
      <Card>
        <dl className="grid grid-cols-[6rem_1fr] gap-y-2 text-sm">
          <dt className="text-zinc-500 dark:text-zinc-400">Email</dt>
          <dd className="break-all" data-testid="account-email">
            {me.email}
          </dd>
          {me.name ? (
            <>
              <dt className="text-zinc-500 dark:text-zinc-400">Name</dt>
              <dd>{me.name}</dd>
            </>
          ) : null}
          <dt className="text-zinc-500 dark:text-zinc-400">Role</dt>
          <dd>{me.role}</dd>
        </dl>
      </Card>
      <ChangePasswordForm justChanged={password === "changed"} />
    </div>
  );
}
