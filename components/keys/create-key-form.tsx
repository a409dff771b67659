"use client";

import { useActionState, useId, useState } from "react";
import { type CreateKeyResult, createKeyFromConsole } from "@/app/(console)/keys/actions";
import type { PushBanner } from "../ui/banners";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { CopyButton } from "../ui/copy-button";
import { Field, Select, TextInput } from "../ui/field";

type Created = Extract<CreateKeyResult, { ok: true }>;

export function CreateKeyForm({ pushBanner, onCreated }: { pushBanner: PushBanner; onCreated: () => void }) {
  const id = useId();
  const [created, setCreated] = useState<Created | null>(null);
  const [, action, pending] = useActionState(async (prev: CreateKeyResult | null, form: FormData) => {
    const answer = await createKeyFromConsole(prev, form);
    if (answer.ok) {
      setCreated(answer);
      onCreated();
    } else pushBanner({ tone: "error", title: "Could not create the key", body: answer.error });
    return answer;
  }, null);

  return (
    <Card>
      <h2 className="text-base font-semibold">Create a key</h2>
      <form action={action} className="mt-3 flex flex-col gap-3 sm:flex-row sm:items-end">
        <Field id={`${id}-name`} label="Name" className="min-w-0 flex-1">
          <TextInput
            id={`${id}-name`}
            name="name"
            required
            maxLength={100}
            placeholder="gpu-node-1"
            autoComplete="off"
          />
        </Field>
        <Field id={`${id}-scope`} label="Scope" className="sm:w-56">
          <Select id={`${id}-scope`} name="scope" defaultValue="node">
            <option value="node">node — sync models</option>
            <option value="reader">reader — list models</option>
            <option value="admin">admin — everything</option>
          </Select>
        </Field>
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create key"}
        </Button>
      </form>
      {created ? (
        <section
          aria-label="New API key"
          role="status"
          className="mt-4 rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm dark:border-emerald-800 dark:bg-emerald-950/50"
        >
          <p className="font-semibold">
            Key “{created.name}” ({created.scope}) created. Copy it now: it is shown only this once.
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code
              data-testid="new-key"
              className="min-w-0 flex-1 rounded border border-emerald-200 bg-white px-2 py-1.5 font-mono break-all dark:border-emerald-900 dark:bg-zinc-900"
            >
              {created.key}
            </code>
            <CopyButton text={created.key} label="Copy key" />
            <Button variant="ghost" size="sm" onClick={() => setCreated(null)}>
              Done
            </Button>
          </div>
        </section>
      ) : null}
    </Card>
  );
}
