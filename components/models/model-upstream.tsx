"use client";

// The model page's "Upstream" card (docs/upstream.md): what the followed revision's head
// is now, the diff against the pinned commit, "Check for updates", the follow policy, a
// staged update's per-node progress with Promote and Cancel, Roll back while the previous
// commit is kept, and the history of the model's commit.
import { useState, useTransition } from "react";
import { checkFromConsole, rolloutFromConsole, setFollowFromConsole } from "@/app/(console)/models/actions";
import type { ModelDetail, ModelHistory, RolloutProgress, Upstream, UpstreamDiff } from "@/lib/api/model-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { shortCommit } from "@/lib/format/commit";
import { useModelDetail, useModelHistory, useRolloutProgress } from "../data/use-upstream";
import { Badge, type BadgeTone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { ProgressBar } from "../ui/progress-bar";
import { RelativeTime } from "../ui/relative-time";
import { Table } from "../ui/table";
import { stateClass } from "./node-state-look";

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
  // Live: a periodic check, a webhook or a promotion shows without a reload.
  const detail = useModelDetail(initialModel.name, initialModel);
  const historyLive = useModelHistory(initialModel.name, initialHistory);
  const model = detail.data ?? initialModel;
  const history = historyLive.data ?? initialHistory;
  const progress = useRolloutProgress(model.name, model.rollout.candidate?.commit ?? null);
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ tone: "error" | "info"; text: string } | null>(null);
  const [confirming, setConfirming] = useState<"promote_anyway" | "rollback" | null>(null);
  const u = model.upstream;
  const [tone, label] = looks[u.state];
  const followable = u.state !== "fixed";
  const candidate = model.rollout.candidate;
  const previous = model.rollout.previous;

  const run = (action: () => Promise<{ ok: true } | { ok: false; error: string }>, done: string) =>
    startTransition(async () => {
      const answer = await action();
      setMessage(answer.ok ? { tone: "info", text: done } : { tone: "error", text: answer.error });
      await Promise.all([detail.mutate(), historyLive.mutate(), progress.mutate()]);
    });
  const rollout = (action: Parameters<typeof rolloutFromConsole>[1], done: string) =>
    run(() => rolloutFromConsole(model.name, action), done);
  const holdingBack = progress.data?.nodes.filter((n) => n.holds_back) ?? [];

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
            <label className="flex items-center gap-2 text-sm">
              <span className="text-zinc-600 dark:text-zinc-400">Follow</span>
              <select
                aria-label="Follow policy"
                value={model.follow}
                disabled={pending}
                onChange={(e) => {
                  const follow = e.target.value as ModelDetail["follow"];
                  run(() => setFollowFromConsole(model.name, follow), followDone[follow]);
                }}
                className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
              >
                <option value="manual">manual: show updates</option>
                <option value="auto">auto: stage and promote</option>
                <option value="off">off: do not check</option>
              </select>
            </label>
            {model.follow === "off" ? null : (
              <Button
                variant="secondary"
                size="sm"
                disabled={pending}
                onClick={() => run(() => checkFromConsole(model.name), `Checked ${model.revision} on Hugging Face.`)}
              >
                Check for updates
              </Button>
            )}
            {u.state === "update_available" && u.commit && candidate?.commit !== u.commit ? (
              <Button
                size="sm"
                disabled={pending}
                onClick={() =>
                  rollout(
                    "update",
                    `Staged ${shortCommit(u.commit ?? "")}: nodes download it while ${shortCommit(model.commit)} keeps serving.`,
                  )
                }
              >
                Update to {shortCommit(u.commit)}
              </Button>
            ) : null}
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
      {candidate ? (
        <section className="space-y-3 rounded-lg border border-sky-200 p-3 dark:border-sky-900" data-testid="rollout">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <div>
              <h3 className="text-sm font-semibold">
                Staged: <span className="font-mono">{shortCommit(candidate.commit)}</span>
              </h3>
              <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="rollout-summary">
                {progress.data
                  ? summarize(progress.data, model.follow)
                  : `Nodes download it beside ${shortCommit(model.commit)}.`}{" "}
                Staged by {candidate.staged_by} <RelativeTime date={candidate.staged_at} />.
              </p>
            </div>
            {isAdmin ? (
              <div className="flex flex-wrap gap-2">
                <Button
                  size="sm"
                  disabled={pending || !progress.data}
                  onClick={() =>
                    progress.data?.promotable
                      ? rollout("promote", `${shortCommit(candidate.commit)} is now served.`)
                      : setConfirming("promote_anyway")
                  }
                >
                  Promote
                </Button>
                <Button
                  variant="secondary"
                  size="sm"
                  disabled={pending}
                  onClick={() =>
                    rollout("cancel", `Cancelled the update to ${shortCommit(candidate.commit)}; nodes drop its files.`)
                  }
                >
                  Cancel update
                </Button>
              </div>
            ) : null}
          </div>
          {progress.data?.nodes.length ? <RolloutNodes progress={progress.data} /> : null}
          <DiffView diff={candidate.diff} title="What the update changes" />
        </section>
      ) : null}
      {previous ? (
        <div className="flex flex-wrap items-center justify-between gap-3" data-testid="rollout-previous">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Previously served: <span className="font-mono">{shortCommit(previous.commit)}</span>, kept on the nodes so a
            rollback needs no download; they remove it <RelativeTime date={previous.keep_until} />.
          </p>
          {isAdmin ? (
            <Button variant="secondary" size="sm" disabled={pending} onClick={() => setConfirming("rollback")}>
              Roll back to {shortCommit(previous.commit)}
            </Button>
          ) : null}
        </div>
      ) : null}
      {u.diff && !(candidate && candidate.commit === u.diff.to) ? <DiffView diff={u.diff} /> : null}
      <HistoryList history={history} />
      <ConfirmDialog
        open={confirming === "promote_anyway"}
        title={`Promote ${shortCommit(candidate?.commit ?? "")} before every node has it?`}
        confirmLabel="Promote anyway"
        onClose={() => setConfirming(null)}
        onConfirm={() => {
          setConfirming(null);
          rollout("promote_anyway", `${shortCommit(candidate?.commit ?? "")} is now served.`);
        }}
      >
        <p>
          {holdingBack.length
            ? `Not ready on ${holdingBack.map((n) => n.node).join(", ")}: they stop serving ${model.name} until they have downloaded it.`
            : "No node serving the model has it ready yet."}
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === "rollback"}
        title={`Roll back to ${shortCommit(previous?.commit ?? "")}?`}
        confirmLabel="Roll back"
        onClose={() => setConfirming(null)}
        onConfirm={() => {
          setConfirming(null);
          rollout("rollback", `Rolled back to ${shortCommit(previous?.commit ?? "")}.`);
        }}
      >
        <p>
          Nodes that still hold {shortCommit(previous?.commit ?? "")} serve it again at once;{" "}
          {shortCommit(model.commit)} is kept as the previous commit.
        </p>
      </ConfirmDialog>
    </Card>
  );
}

const followDone: Record<ModelDetail["follow"], string> = {
  manual: "Following upstream: updates are shown for an admin to stage.",
  auto: "Following upstream: updates are staged and promoted once every serving node has them.",
  off: "No longer checked upstream.",
};

function summarize(p: RolloutProgress, follow: ModelDetail["follow"]) {
  if (p.promotable) {
    return follow === "auto"
      ? `Ready on every serving node (${p.ready} of ${p.needed}); promoting automatically.`
      : `Ready on every serving node (${p.ready} of ${p.needed}): it can be promoted.`;
  }
  if (!p.needed) return "No online node serves the model yet: a promotion waits for one.";
  return `Ready on ${p.ready} of ${p.needed} serving nodes.`;
}

function RolloutNodes({ progress }: { progress: RolloutProgress }) {
  return (
    <Table
      columns={[{ label: "Node" }, { label: "Serving now" }, { label: "Staged update" }]}
      className="min-w-[32rem]"
    >
      {progress.nodes.map((n) => (
        <tr key={n.node_id} data-testid="rollout-node" data-node={n.node}>
          <td className={td}>
            {n.node}
            {n.online ? null : <span className="ml-2 text-xs text-zinc-500 dark:text-zinc-400">offline</span>}
          </td>
          <td className={td}>
            {n.current_state ? <span className={stateClass[n.current_state]}>{n.current_state}</span> : "—"}
          </td>
          <td className={`${td} min-w-48`}>
            {n.state ? <span className={stateClass[n.state]}>{n.state}</span> : <span>not started</span>}
            {n.state === "downloading" && n.bytes_total ? (
              <>
                <span className="ml-2 text-xs tabular-nums text-zinc-500 dark:text-zinc-400">
                  {formatBytes(n.bytes_done ?? 0)} / {formatBytes(n.bytes_total)}
                </span>
                <ProgressBar
                  value={n.bytes_done ?? 0}
                  max={n.bytes_total}
                  label={`${n.node}: staged update`}
                  className="mt-1"
                />
              </>
            ) : null}
            {n.error?.message ? <p className="text-xs text-zinc-500 dark:text-zinc-400">{n.error.message}</p> : null}
            {n.holds_back ? (
              <p className="text-xs text-amber-800 dark:text-amber-300">a promotion waits for it</p>
            ) : null}
          </td>
        </tr>
      ))}
    </Table>
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

function DiffView({ diff, title = "What changed" }: { diff: UpstreamDiff; title?: string }) {
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
          {title}, <span className="font-mono">{shortCommit(diff.from)}</span> →{" "}
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
