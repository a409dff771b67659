"use client";

import { useActionState, useId } from "react";
import { createUserFromConsole, type UserActionResult } from "@/app/(console)/users/actions";
import type { PushBanner } from "../ui/banners";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, Select, TextInput } from "../ui/field";
import { fieldError, PasswordField } from "./password-field";

export function CreateUserForm({ pushBanner }: { pushBanner: PushBanner }) {
  const id = useId();
  const [answer, action, pending] = useActionState(async (prev: UserActionResult | null, form: FormData) => {
    const answer = await createUserFromConsole(prev, form);
    // A problem with one field is said under that field; anything else in a banner.
    if (answer.ok) pushBanner({ tone: "success", title: "User added", body: answer.message });
    else if (!answer.field) pushBanner({ tone: "error", title: "Could not add the user", body: answer.error });
    return answer;
  }, null);
  const emailError = fieldError(answer, "email");

  return (
    <Card>
      <h2 className="text-base font-semibold">Add a user</h2>
      <form
        action={action}
        className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,2fr)_minmax(0,1.5fr)_minmax(0,1.5fr)_8rem_auto] lg:items-start"
      >
        <Field id={`${id}-email`} label="Email">
          <TextInput
            id={`${id}-email`}
            name="email"
            type="email"
            required
            autoComplete="off"
            aria-invalid={emailError ? true : undefined}
          />
          {emailError ? <p className="text-xs font-medium text-red-700 dark:text-red-400">{emailError}</p> : null}
        </Field>
        <Field id={`${id}-name`} label="Name (optional)">
          <TextInput id={`${id}-name`} name="name" autoComplete="off" maxLength={100} />
        </Field>
        <PasswordField id={`${id}-password`} name="password" label="Password" error={fieldError(answer, "password")} />
        <Field id={`${id}-role`} label="Role">
          <Select id={`${id}-role`} name="role" defaultValue="viewer">
            <option value="viewer">viewer</option>
            <option value="admin">admin</option>
          </Select>
        </Field>
        {/* Level with the inputs: below a label's height. */}
        <Button type="submit" disabled={pending} className="lg:mt-[1.625rem]">
          {pending ? "Adding…" : "Add user"}
        </Button>
      </form>
    </Card>
  );
}
