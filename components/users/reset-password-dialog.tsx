"use client";

import { useActionState, useEffect, useId, useRef } from "react";
import { resetUserPasswordFromConsole, type UserActionResult } from "@/app/(console)/users/actions";
import { Button } from "../ui/button";
import { fieldError, PasswordField } from "./password-field";

/**
 * A modal form that sets another user's password. Mounted while open; it closes itself
 * on success (the caller shows the banner) and keeps the server's message otherwise.
 */
export function ResetPasswordDialog({
  user,
  onDone,
  onClose,
}: {
  user: { id: string; email: string };
  onDone: (answer: UserActionResult & { ok: true }) => void;
  onClose: () => void;
}) {
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const [answer, action, pending] = useActionState(async (prev: UserActionResult | null, form: FormData) => {
    const next = await resetUserPasswordFromConsole(prev, form);
    if (next.ok) onDone(next);
    return next;
  }, null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const passwordError = fieldError(answer, "password");
  const otherError = answer && !answer.ok && !passwordError ? answer.error : undefined;
  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      onClose={onClose}
      onCancel={onClose}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <form action={action} className="space-y-4 p-5">
        <div>
          <h2 id={`${id}-title`} className="text-base font-semibold break-all">
            Reset the password of {user.email}
          </h2>
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-300">
            They are signed out everywhere and sign in with the password you set here. Tell it to them yourself.
          </p>
        </div>
        <input type="hidden" name="id" value={user.id} />
        <PasswordField id={`${id}-password`} name="password" label="New password" error={passwordError} />
        {otherError ? (
          <p role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">
            {otherError}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={pending}>
            {pending ? "Resetting…" : "Reset password"}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
