"use client";

import { useRouter } from "next/navigation";
import { useActionState, useId } from "react";
import { changeOwnPasswordFromConsole, type OwnPasswordResult } from "@/app/(console)/account/actions";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { fieldError, PasswordField } from "./password-field";

/** `justChanged`: the page was reached right after a change (the action ends with a fresh visit). */
export function ChangePasswordForm({ justChanged }: { justChanged: boolean }) {
  const id = useId();
  const router = useRouter();
  const [answer, action, pending] = useActionState(async (prev: OwnPasswordResult | null, form: FormData) => {
    const next = await changeOwnPasswordFromConsole(prev, form);
    if (next.ok && next.signedOut) router.push("/login");
    return next;
  }, null);
  const fieldless = answer && !answer.ok && !answer.field ? answer.error : undefined;
  const changed = answer?.ok
    ? answer.message
    : justChanged && !answer
      ? "Your password was changed. Your other sessions were signed out."
      : undefined;

  return (
    <Card>
      <h2 className="text-base font-semibold">Change your password</h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        Every other browser signed in as you is signed out; this one stays signed in.
      </p>
      <form action={action} className="mt-4 max-w-sm space-y-4">
        <PasswordField
          id={`${id}-current`}
          name="currentPassword"
          label="Current password"
          rule={false}
          autoComplete="current-password"
          error={fieldError(answer, "currentPassword")}
        />
        <PasswordField
          id={`${id}-new`}
          name="newPassword"
          label="New password"
          error={fieldError(answer, "newPassword")}
        />
        <PasswordField
          id={`${id}-confirm`}
          name="confirmPassword"
          label="New password again"
          rule={false}
          error={fieldError(answer, "confirmPassword")}
        />
        {changed ? (
          <p
            role="status"
            data-testid="password-changed"
            className="text-sm font-medium text-emerald-700 dark:text-emerald-400"
          >
            {changed}
          </p>
        ) : fieldless ? (
          <p role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">
            {fieldless}
          </p>
        ) : null}
        <Button type="submit" disabled={pending}>
          {pending ? "Changing…" : "Change password"}
        </Button>
      </form>
    </Card>
  );
}
