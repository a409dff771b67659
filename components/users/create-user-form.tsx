"use client";

import { useActionState, useId } from "react";
import { createUserFromConsole, type UserActionResult } from "@/app/(console)/users/actions";
import type { PushBanner } from "../ui/banners";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, Select, TextInput } from "../ui/field";

export function CreateUserForm({ pushBanner }: { pushBanner: PushBanner }) {
  const id = useId();
  const [, action, pending] = useActionState(async (prev: UserActionResult | null, form: FormData) => {
    const answer = await createUserFromConsole(prev, form);
    pushBanner(
      answer.ok
        ? { tone: "success", title: "User added", body: answer.message }
        : { tone: "error", title: "Could not add the user", body: answer.error },
    );
    return answer;
  }, null);

  return (
    <Card>
      <h2 className="text-base font-semibold">Add a user</h2>
      <form
        action={action}
        className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-[2fr_1.5fr_1.5fr_1fr_auto] lg:items-end"
      >
        <Field id={`${id}-email`} label="Email">
          <TextInput id={`${id}-email`} name="email" type="email" required autoComplete="off" />
        </Field>
        <Field id={`${id}-name`} label="Name (optional)">
          <TextInput id={`${id}-name`} name="name" autoComplete="off" maxLength={100} />
        </Field>
        <Field id={`${id}-password`} label="Password (12+ characters)">
          <TextInput
            id={`${id}-password`}
            name="password"
            type="password"
            required
            minLength={12}
            autoComplete="new-password"
          />
        </Field>
        <Field id={`${id}-role`} label="Role">
          <Select id={`${id}-role`} name="role" defaultValue="viewer">
            <option value="viewer">viewer</option>
            <option value="admin">admin</option>
          </Select>
        </Field>
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add user"}
        </Button>
      </form>
    </Card>
  );
}
