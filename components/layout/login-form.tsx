"use client";

import { useActionState } from "react";
import { signInAction } from "@/app/(auth)/login/actions";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, TextInput } from "../ui/field";

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action, pending] = useActionState(signInAction, null);
  return (
    <Card className="mt-6">
      <form action={action} className="space-y-4" aria-describedby={state ? "login-error" : undefined}>
        <input type="hidden" name="callbackUrl" value={callbackUrl} />
        <Field id="email" label="Email">
          <TextInput
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            defaultValue={state?.email}
          />
        </Field>
        <Field id="password" label="Password">
          <TextInput id="password" name="password" type="password" autoComplete="current-password" required />
        </Field>
        <div aria-live="assertive">
          {state ? (
            <p id="login-error" role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">
              {state.error}
            </p>
          ) : null}
        </div>
        <Button type="submit" disabled={pending} className="w-full">
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </Card>
  );
}
