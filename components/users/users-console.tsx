"use client";

import { useTransition } from "react";
import { changeUserFromConsole } from "@/app/(console)/users/actions";
import { Badge } from "../ui/badge";
import { BannerList, useBanners } from "../ui/banners";
import { Button } from "../ui/button";
import { Select } from "../ui/field";
import { rowCell, Table } from "../ui/table";
import { CreateUserForm } from "./create-user-form";

type UserRow = { id: string; email: string; name: string | null; role: "admin" | "viewer"; disabled: boolean };
type Change = Parameters<typeof changeUserFromConsole>[0];

const columns = [{ label: "User" }, { label: "Role" }, { label: "Status" }, { label: "Actions", srOnly: true }];

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
      <Table framed caption="Console users" columns={columns} className="min-w-[36rem]">
        {users.map((u) => {
          const me = u.id === meId;
          return (
            <tr key={u.id} data-testid="user-row" data-email={u.email}>
              <td className={rowCell}>
                <p className="font-medium break-all">{u.email}</p>
                {u.name ? <p className="text-xs text-zinc-500 dark:text-zinc-400">{u.name}</p> : null}
              </td>
              <td className={rowCell}>
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
              <td className={rowCell}>
                {me ? (
                  <Badge tone="blue">you</Badge>
                ) : u.disabled ? (
                  <Badge tone="red">disabled</Badge>
                ) : (
                  <Badge tone="green">active</Badge>
                )}
              </td>
              <td className={`${rowCell} text-right`}>
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
      </Table>
    </div>
  );
}
