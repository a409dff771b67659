import { Fragment } from "react";

/**
 * A slash-separated name (`hf/owner/repo/file.gguf`) that wraps only after a `/`, never
 * inside a part: each part stays on one line, and a part wider than the column is cut with
 * an ellipsis. The whole name is in the tooltip (and on the model's page).
 */
export function PathName({ name, className = "" }: { name: string; className?: string }) {
  const parts = name.split("/");
  return (
    <span className={`[overflow-wrap:normal] break-normal ${className}`} title={name} data-testid="path-name">
      {parts.map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: parts repeat ("a/a") and never reorder.
        <Fragment key={i}>
          <span className="inline-block max-w-full truncate align-bottom whitespace-nowrap">
            {part}
            {i < parts.length - 1 ? "/" : ""}
          </span>
          {i < parts.length - 1 ? <wbr /> : null}
        </Fragment>
      ))}
    </span>
  );
}
