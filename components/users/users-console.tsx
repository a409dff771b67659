"use client";

import Link from "next/link";
import { useState, useTransition } from "react";
import { changeUserFromConsole, deleteUserFromConsole, type UserActionResult } from "@/app/(console)/users/actions";
import { Badge } from "../ui/badge";
import { BannerList, useBanners } from "../ui/banners";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { Select } from "../ui/field";
import { rowCell, Table } from "../ui/table";
import { CreateUserForm } from "./create-user-form";
import { ResetPasswordDialog } from "./reset-password-dialog";

type UserRow = { id: string; email: string; name: string | null; role: "admin" | "viewer"; disabled: boolean };
type Change = Parameters<typeof changeUserFromConsole>[0];

const columns = [
  { label: "User" },
  { label: "Role", className: "w-36" },
  { label: "Status", className: "w-40" },
  { label: "Actions", srOnly: true },
];

export function UsersConsole({ users, meId }: { users: UserRow[]; meId: string }) {
  const { banners, push, dismiss } = useBanners();
  const [pending, startTransition] = useTransition();
  const [resetting, setResetting] = useState<UserRow | null>(null);
  const [deleting, setDeleting] = useState<UserRow | null>(null);
  const activeAdmins = users.filter((u) => u.role === "admin" && !u.disabled);
  const lastAdminId = activeAdmins.length === 1 ? activeAdmins[0].id : null;

  function report(answer: UserActionResult, title: string) {
    push(
      answer.ok
        ? { tone: "success", title, body: answer.message }
        : { tone: "error", title: "Could not update the user", body: answer.error },
    );
  }

  function apply(change: Change) {
    // The action revalidates /users, so the table below re-renders from the server.
    startTransition(async () => report(await changeUserFromConsole(change), "User updated"));
  }

  function remove(user: UserRow) {
    setDeleting(null);
    startTransition(async () => report(await deleteUserFromConsole({ id: user.id }), "User deleted"));
  }

  return (
    <div className="space-y-5">
      <CreateUserForm pushBanner={push} />
      <BannerList banners={banners} onDismiss={dismiss} />
      <Table framed caption="Console users" columns={columns} className="min-w-[40rem]">
        {users.map((u) => {
          const me = u.id === meId;
          const lastAdmin = u.id === lastAdminId;
          return (
            <tr key={u.id} data-testid="user-row" data-email={u.email} data-id={u.id}>
              <td className={rowCell}>
                <p className="font-medium break-all">{u.email}</p>
                {u.name ? <p className="text-xs text-zinc-500 dark:text-zinc-400">{u.name}</p> : null}
              </td>
              <td className={rowCell}>
                <Select
                  aria-label={`Role of ${u.email}`}
                  value={u.role}
                  disabled={me || lastAdmin || pending}
                  title={lastAdmin ? "The only active admin stays admin" : undefined}
                  className="h-8 w-32"
                  onChange={(e) => apply({ change: "role", id: u.id, role: e.target.value as UserRow["role"] })}
                >
                  <option value="viewer">viewer</option>
                  <option value="admin">admin</option>
                </Select>
              </td>
              <td className={rowCell}>
                <div className="flex flex-wrap gap-1">
                  {me ? <Badge tone="blue">you</Badge> : null}
                  {u.disabled ? <Badge tone="red">disabled</Badge> : <Badge tone="green">active</Badge>}
                </div>
                {lastAdmin ? <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">Only active admin</p> : null}
              </td>
              <td className={`${rowCell} text-right`}>
                {me ? (
                  <Link
                    href="/account"
                    className="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                  >
                    Change your password
                  </Link>
                ) : (
                  <div className="flex flex-wrap justify-end gap-1">
                    <Button variant="ghost" size="sm" disabled={pending} onClick={() => setResetting(u)}>
                      Reset password
                    </Button>
                    {lastAdmin ? null : (
                      <>
                        <Button
                          variant={u.disabled ? "secondary" : "ghost"}
                          size="sm"
                          disabled={pending}
                          onClick={() => apply({ change: "disabled", id: u.id, disabled: !u.disabled })}
                        >
                          {u.disabled ? "Enable" : "Disable"}
                        </Button>
                        <Button variant="dangerGhost" size="sm" disabled={pending} onClick={() => setDeleting(u)}>
                          Delete
                        </Button>
                      </>
                    )}
                  </div>
                )}
              </td>
            </tr>
          );
        })}
      </Table>
      {resetting ? (
        <ResetPasswordDialog
          user={resetting}
          onDone={(answer) => {
            setResetting(null);
            report(answer, "Password reset");
          }}
          onClose={() => setResetting(null)}
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.email ?? ""}?`}
        confirmLabel="Delete user"
        onConfirm={() => deleting && remove(deleting)}
        onClose={() => setDeleting(null)}
      >
        They are signed out at once and can no longer sign in. API keys they created keep working; revoke them on the
        API keys page if they should not. To let them back later, disable them instead.
      </ConfirmDialog>
    </div>
  );
}
