"use client";

import { useTransition } from "react";
import { changeUserFromConsole } from "@/app/(console)/users/actions";
import { Badge } from "../ui/badge";
import { BannerList, useBanners } from "../ui/banners";
import { Button } from "../ui/button";
import { Select } from "../ui/field";
import { CreateUserForm } from "./create-user-form";

type UserRow = { id: string; email: string; name: string | null; role: "admin" | "viewer"; disabled: boolean };
type Change = Parameters<typeof changeUserFromConsole>[0];

const td = "px-3 py-2.5 align-middle";

export function UsersConsole({ users, meId }: { users: UserRow[]; meId: string }) {
  const { banners, push, dismiss } = useBanners();
  const [pending, startTransition] = useTransition();

  function apply(change: Change) {
    startTransition(async () => {
      // The action revalidates /users, so the table below re-renders from the server.
      const answer = await changeUserFromConsole(change);
      push(
        answer.ok
          ? { tone: "success", title: "User updated", body: answer.message }
          : { tone: "error", title: "Could not update the user", body: answer.error },
      );
    });
  }

  return (
    <div className="space-y-5">
      <CreateUserForm pushBanner={push} />
      <BannerList banners={banners} onDismiss={dismiss} />
      <div className="relative overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <table className="w-full min-w-[36rem] text-left text-sm">
          <caption className="sr-only">Console users</caption>
          <thead className="border-b border-zinc-200 text-xs text-zinc-500 uppercase dark:border-zinc-800 dark:text-zinc-400">
            <tr>
              <th className="px-3 py-2 font-medium">User</th>
              <th className="px-3 py-2 font-medium">Role</th>
              <th className="px-3 py-2 font-medium">Status</th>
              <th className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {users.map((u) => {
              const me = u.id === meId;
              return (
                <tr key={u.id} data-testid="user-row" data-email={u.email}>
                  <td className={td}>
                    <p className="font-medium break-all">{u.email}</p>
                    {u.name ? <p className="text-xs text-zinc-500 dark:text-zinc-400">{u.name}</p> : null}
                  </td>
                  <td className={td}>
                    <Select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      disabled={me || pending}
                      className="h-8 w-32"
                      onChange={(e) => apply({ change: "role", id: u.id, role: e.target.value as UserRow["role"] })}
                    >
                      <option value="viewer">viewer</option>
                      <option value="admin">admin</option>
                    </Select>
                  </td>
                  <td className={td}>
                    {me ? (
                      <Badge tone="blue">you</Badge>
                    ) : u.disabled ? (
                      <Badge tone="red">disabled</Badge>
                    ) : (
                      <Badge tone="green">active</Badge>
                    )}
                  </td>
                  <td className={`${td} text-right`}>
                    {me ? null : (
                      <Button
                        variant={u.disabled ? "secondary" : "dangerGhost"}
                        size="sm"
                        disabled={pending}
                        onClick={() => apply({ change: "disabled", id: u.id, disabled: !u.disabled })}
                      >
                        {u.disabled ? "Enable" : "Disable"}
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
