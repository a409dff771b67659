import { quoteForShell as q } from "@/lib/format/shell-quote";
import { modelApiPath } from "../data/live";
import { Card } from "../ui/card";
import { CopyButton } from "../ui/copy-button";

/**
 * Copy-ready commands for this model, against this console's own address. Every value in
 * them is quoted for the shell: a pasted command must never run what a name holds.
 */
export function ModelSnippets({ name, origin }: { name: string; origin: string }) {
  const path = modelApiPath(name);
  const snippets = [
    {
      title: "Ready state (OpenAI-compatible)",
      label: "Copy curl command",
      code: `curl -s -H "Authorization: Bearer $LLMLB_API_KEY" ${q(`${origin}/v1/models/${path}`)}`,
    },
    {
      title: "Manifest, as nodes read it",
      label: "Copy manifest command",
      code: `curl -s -H "Authorization: Bearer $LLMLB_API_KEY" ${q(`${origin}/api/models/registry/${path}/manifest.json`)}`,
    },
    {
      title: "CLI (from a checkout of llmlb, or with it installed)",
      label: "Copy CLI command",
      code: `LLMLB_URL=${q(origin)} npx llmlb model show ${q(name)}`,
    },
  ];
  return (
    <Card>
      <h2 className="text-base font-semibold">Use it</h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400" data-testid="snippets-key-hint">
        These read an API key from <code className="font-mono">LLMLB_API_KEY</code>: create one on the{" "}
        <a href="/keys" className="text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
          API keys
        </a>{" "}
        page (any scope reads), then <code className="font-mono">export LLMLB_API_KEY=llmlb_…</code>.
      </p>
      <ul className="mt-3 space-y-3">
        {snippets.map((s) => (
          <li key={s.title}>
            <div className="flex items-center justify-between gap-2">
              <h3 className="text-sm font-medium text-zinc-700 dark:text-zinc-300">{s.title}</h3>
              <CopyButton text={s.code} label={s.label} />
            </div>
            <pre className="mt-1.5 overflow-x-auto rounded-md bg-zinc-950 px-3 py-2 text-xs text-zinc-100 dark:bg-black">
              <code data-testid="snippet">{s.code}</code>
            </pre>
          </li>
        ))}
      </ul>
    </Card>
  );
}
