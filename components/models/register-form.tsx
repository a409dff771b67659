"use client";

import { useActionState, useId, useState } from "react";
import {
  type PreviewResult,
  previewRegistration,
  type RegisterResult,
  registerFromConsole,
} from "@/app/(console)/models/actions";
import { isPinnedToCommit } from "@/lib/format/commit";
import type { PushBanner } from "../ui/banners";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, TextInput } from "../ui/field";
import { failureBanner, successBanner } from "./register-banners";
import { RegistrationPreviewPanel } from "./registration-preview";

/** This form's results replace each other: it shows the answer to its latest submission. */
const bannerGroup = "register";

/** What was submitted, as a person typed it: the repository, and the file when one was given. */
function inputOf(form: FormData): string {
  const repo = String(form.get("repo") ?? "").trim();
  const file = String(form.get("filename") ?? "").trim();
  return file ? `${repo} (${file})` : repo;
}

/**
 * Paste → Check (the server validates against the Hub and answers with what would be
 * stored) → Register. Nothing is stored before the preview has been shown.
 */
export function RegisterForm({
  hubUrl,
  pushBanner,
  clearBanners,
  onRegistered,
}: {
  hubUrl: string;
  pushBanner: PushBanner;
  /** Takes this form's earlier results away (a good preview supersedes them). */
  clearBanners: (group: string) => void;
  onRegistered: () => void;
}) {
  const id = useId();
  const [repo, setRepo] = useState("");
  const [filename, setFilename] = useState("");
  const [shownAt, setShownAt] = useState<number | null>(null);
  // The banners are pushed from inside the actions (not from effects), so each
  // answer produces exactly one banner.
  const [preview, checkAction, checking] = useActionState(async (prev: PreviewResult | null, form: FormData) => {
    const answer = await previewRegistration(prev, form);
    if (answer.ok) {
      setShownAt(answer.at);
      clearBanners(bannerGroup);
    } else {
      setShownAt(null);
      pushBanner({ ...failureBanner(answer, inputOf(form)), group: bannerGroup });
    }
    return answer;
  }, null);
  const [, registerAction, registering] = useActionState(async (prev: RegisterResult | null, form: FormData) => {
    const answer = await registerFromConsole(prev, form);
    if (!answer.ok) {
      pushBanner({ ...failureBanner(answer, inputOf(form)), group: bannerGroup });
      return answer;
    }
    pushBanner({ ...successBanner(answer), group: bannerGroup });
    setShownAt(null);
    setRepo("");
    setFilename("");
    onRegistered();
    return answer;
  }, null);

  const shown = preview?.ok && shownAt === preview.at ? preview : null;
  const edit = (set: (v: string) => void) => (e: React.ChangeEvent<HTMLInputElement>) => {
    set(e.target.value);
    setShownAt(null);
  };

  return (
    <Card>
      <h2 className="text-base font-semibold">Register a model</h2>
      <form action={checkAction} className="mt-3 flex flex-col gap-3 lg:flex-row lg:items-end">
        <Field
          id={`${id}-repo`}
          label="Hugging Face URL or owner/repo"
          className="min-w-0 flex-[3]"
          hint="A repository, a file URL (…/blob/main/model-Q4_K_M.gguf) or owner/repo:Q4_K_M"
        >
          <TextInput
            id={`${id}-repo`}
            name="repo"
            required
            autoComplete="off"
            spellCheck={false}
            placeholder="https://huggingface.co/owner/repo"
            aria-describedby={`${id}-repo-hint`}
            value={repo}
            onChange={edit(setRepo)}
          />
        </Field>
        <Field
          id={`${id}-file`}
          label="File in the repo (optional)"
          className="min-w-0 flex-[2]"
          hint="Registers only that file's variant"
        >
          <TextInput
            id={`${id}-file`}
            name="filename"
            autoComplete="off"
            spellCheck={false}
            placeholder="model-Q4_K_M.gguf"
            aria-describedby={`${id}-file-hint`}
            value={filename}
            onChange={edit(setFilename)}
          />
        </Field>
        <Button type="submit" disabled={checking || !repo.trim()} className="lg:mb-5">
          {checking ? "Checking with Hugging Face…" : "Check"}
        </Button>
      </form>
      {shown ? (
        <section
          aria-label="What will be registered"
          data-testid="registration-preview"
          className="mt-4 rounded-lg border border-indigo-200 bg-indigo-50/50 p-4 dark:border-indigo-900 dark:bg-indigo-950/30"
        >
          <RegistrationPreviewPanel plan={shown.plan} hubUrl={hubUrl} />
          <form action={registerAction} className="mt-4 flex flex-wrap gap-2">
            <input type="hidden" name="repo" value={shown.input.repo} />
            <input type="hidden" name="filename" value={shown.input.filename} />
            {isPinnedToCommit(shown.plan.revision) ? null : (
              <label className="flex basis-full items-center gap-2 text-sm text-zinc-700 dark:text-zinc-300">
                <input type="hidden" name="follow" value="off" />
                <input type="checkbox" name="follow" value="manual" defaultChecked className="size-4" />
                Show when {shown.plan.revision} changes on Hugging Face (nothing changes on the nodes until you decide)
              </label>
            )}
            <Button type="submit" disabled={registering}>
              {registering ? "Registering…" : "Register"}
            </Button>
            <Button variant="secondary" onClick={() => setShownAt(null)} disabled={registering}>
              Cancel
            </Button>
          </form>
        </section>
      ) : null}
    </Card>
  );
}
