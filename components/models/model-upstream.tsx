"use client";

// The model page's "Upstream" card (docs/upstream.md): what the followed revision's head
// is now, the diff against the pinned commit, "Check for updates", the follow policy and
// the history of the model's commit.
import { useState, useTransition } from "react";
import { checkFromConsole, setFollowFromConsole } from "@/app/(console)/models/actions";
import type { ModelDetail, ModelHistory, Upstream, UpstreamDiff } from "@/lib/api/model-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { shortCommit } from "@/lib/format/commit";
import { useModelDetail, useModelHistory } from "../data/use-upstream";
import { Badge, type BadgeTone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { RelativeTime } from "../ui/relative-time";
import { Table } from "../ui/table";

const looks: Record<Upstream["state"], [BadgeTone, string]> = {
  fixed: ["gray", "Pinned to a commit"],
  off: ["gray", "Not followed"],
  unchecked: ["gray", "Not checked yet"],
  current: ["green", "Up to date"],
  update_available: ["amber", "Update available"],
  gone: ["red", "Gone upstream"],
};

const td = "px-3 py-2 align-top";

export function ModelUpstream({
  model: initialModel,
  history: initialHistory,
  isAdmin,
}: {
  model: ModelDetail;
  history: ModelHistory;
  isAdmin: boolean;
}) {
  // Live: a periodic check or a webhook shows without a reload.
  const detail = useModelDetail(initialModel.name, initialModel);
  const historyLive = useModelHistory(initialModel.name, initialHistory);
  const model = detail.data ?? initialModel;
  const history = historyLive.data ?? initialHistory;
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ tone: "error" | "info"; text: string } | null>(null);
  const u = model.upstream;
  const [tone, label] = looks[u.state];
  const followable = u.state !== "fixed";

  const run = (action: () => Promise<{ ok: true } | { ok: false; error: string }>, done: string) =>
    startTransition(async () => {
      const answer = await action();
      setMessage(answer.ok ? { tone: "info", text: done } : { tone: "error", text: answer.error });
      await Promise.all([detail.mutate(), historyLive.mutate()]);
    });

  return (
    <Card className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="text-base font-semibold">Upstream</h2>
          <span data-testid="upstream-state">
            <Badge tone={tone}>{label}</Badge>
          </span>
        </div>
        {isAdmin && followable ? (
          <div className="flex flex-wrap items-center gap-2">
            <Button
              variant="secondary"
              size="sm"
              disabled={pending}
              onClick={() =>
                run(
                  () => setFollowFromConsole(model.name, model.follow === "off" ? "manual" : "off"),
                  model.follow === "off" ? "Following upstream again." : "No longer checked upstream.",
                )
              }
            >
              {model.follow === "off" ? "Follow upstream" : "Stop following"}
            </Button>
            {model.follow === "off" ? null : (
              <Button
                size="sm"
                disabled={pending}
                onClick={() => run(() => checkFromConsole(model.name), `Checked ${model.revision} on Hugging Face.`)}
              >
                {pending ? "Checking…" : "Check for updates"}
              </Button>
            )}
          </div>
        ) : null}
      </div>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">{describe(model)}</p>
      {message ? (
        <p
          role={message.tone === "error" ? "alert" : "status"}
          className={
            message.tone === "error"
              ? "text-sm text-red-700 dark:text-red-400"
              : "text-sm text-zinc-600 dark:text-zinc-400"
          }
        >
          {message.text}
        </p>
      ) : null}
      {u.check_error ? (
        <p className="text-sm text-amber-800 dark:text-amber-300">
          The last check failed (<RelativeTime date={u.check_error.at} />
          ): {u.check_error.message}
        </p>
      ) : null}
      {u.diff ? <DiffView diff={u.diff} /> : null}
      <HistoryList history={history} />
    </Card>
  );
}

function describe(m: ModelDetail) {
  const u = m.upstream;
  const checked = u.checked_at ? (
    <>
      {" "}
      Checked <RelativeTime date={u.checked_at} />.
    </>
  ) : null;
  switch (u.state) {
    case "fixed":
      return "Registered at a commit, which never changes: there is nothing upstream to follow.";
    case "off":
      return `The ${m.revision} revision is not checked for changes.`;
    case "unchecked":
      return `Follows ${m.revision}; not checked yet.`;
    case "current":
      return (
        <>
          {m.revision} on Hugging Face is still {shortCommit(m.commit)}.{checked}
        </>
      );
    case "update_available":
      return (
        <>
          {m.revision} moved to <span className="font-mono">{shortCommit(u.commit ?? "")}</span>
          {u.seen_at ? (
            <>
              {" "}
              (seen <RelativeTime date={u.seen_at} />)
            </>
          ) : null}
          ; nodes keep serving {shortCommit(m.commit)}.{checked}
        </>
      );
    case "gone":
      return (
        <>
          {u.reason?.message ?? "Upstream is gone."} Nodes keep serving {shortCommit(m.commit)}.{checked}
        </>
      );
  }
}

function DiffView({ diff }: { diff: UpstreamDiff }) {
  const files = [
    ...diff.changed.map((f) => ({ ...f, change: "changed" })),
    ...diff.added.map((f) => ({ ...f, change: "added" })),
    ...diff.removed.map((f) => ({ ...f, change: "removed" })),
  ];
  const cut = diff.counts.added + diff.counts.removed + diff.counts.changed - files.length;
  return (
    <div className="space-y-4" data-testid="upstream-diff">
      <div>
        <h3 className="text-sm font-semibold">
          What changed, <span className="font-mono">{shortCommit(diff.from)}</span> →{" "}
          <span className="font-mono">{shortCommit(diff.to)}</span>
        </h3>
        <Table
          columns={[{ label: "Variant" }, { label: "Change" }, { label: "A node downloads", className: "text-right" }]}
          wrapperClassName="mt-2"
          className="min-w-[28rem]"
        >
          {diff.variants.map((v) => (
            <tr key={v.name} data-testid="diff-variant-row">
              <td className={`${td} font-mono`}>{v.name}</td>
              <td className={td}>{v.change}</td>
              <td className={`${td} text-right tabular-nums`}>
                {v.change === "removed" ? "—" : formatBytes(v.download_bytes)}
              </td>
            </tr>
          ))}
        </Table>
      </div>
      {files.length ? (
        <Table
          columns={[
            { label: "File" },
            { label: "Change" },
            { label: "Variant" },
            { label: "Size", className: "text-right" },
          ]}
          className="min-w-[36rem]"
        >
          {files.map((f) => (
            <tr key={`${f.change}:${f.filename}`} data-testid="diff-file-row">
              <td className={`${td} font-mono text-xs break-all`}>{f.filename}</td>
              <td className={td}>{f.change}</td>
              <td className={`${td} font-mono text-xs`}>{f.variant ?? "—"}</td>
              <td className={`${td} text-right whitespace-nowrap tabular-nums`}>
                {f.old_size_bytes !== undefined && f.old_size_bytes !== f.size_bytes
                  ? `${formatBytes(f.old_size_bytes)} → ${formatBytes(f.size_bytes)}`
                  : formatBytes(f.size_bytes)}
              </td>
            </tr>
          ))}
        </Table>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No file a node holds changed.</p>
      )}
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        {cut > 0 ? `${cut} more changed files not listed. ` : ""}
        {diff.counts.unchanged} {diff.counts.unchanged === 1 ? "file" : "files"} unchanged.
      </p>
    </div>
  );
}

function HistoryList({ history }: { history: ModelHistory }) {
  if (!history.history.length) return null;
  return (
    <div>
      <h3 className="text-sm font-semibold">History</h3>
      <ol className="mt-2 space-y-1 text-sm" data-testid="model-history">
        {history.history.slice(0, 20).map((e) => (
          <li key={`${e.at}:${e.action}:${e.to_commit ?? ""}`} className="flex flex-wrap gap-x-2">
            <span className="text-zinc-500 dark:text-zinc-400">
              <RelativeTime date={e.at} />
            </span>
            <span className="font-medium">{e.action.replaceAll("_", " ")}</span>
            {e.to_commit ? <span className="font-mono">{shortCommit(e.to_commit)}</span> : null}
            {e.detail ? <span>{e.detail}</span> : null}
            <span className="text-zinc-500 dark:text-zinc-400">by {e.actor}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
