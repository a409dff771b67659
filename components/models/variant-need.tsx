import { formatContext } from "@/lib/api/fit";
import type { VariantMemoryDoc as VariantMemory } from "@/lib/api/node-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { formatParameters, needParts } from "./fit-text";

const muted = "text-xs text-zinc-500 dark:text-zinc-400";

/** "8.0B · Q4_K_M" and the architecture, as far as the metadata told them. */
export function VariantShape({ memory }: { memory: VariantMemory | null | undefined }) {
  if (!memory || (memory.parameters === null && memory.dtype === null && memory.architecture === null)) {
    return <span className={muted}>—</span>;
  }
  const size = [memory.parameters === null ? null : formatParameters(memory.parameters), memory.dtype]
    .filter(Boolean)
    .join(" · ");
  return (
    <span className="whitespace-nowrap">
      {size || "—"}
      {memory.architecture ? <span className={`block ${muted}`}>{memory.architecture}</span> : null}
    </span>
  );
}

/** The total a variant needs at `context`, and what it is made of; or why it is unknown. */
export function VariantNeed({ memory, context }: { memory: VariantMemory | null | undefined; context: number }) {
  const parts = memory ? needParts(memory, context) : null;
  if (!memory || !parts) {
    const reason = memory?.unknown_reason ?? "not read at registration";
    return (
      <span className={`inline-block max-w-xs text-left ${muted}`} data-testid="need-unknown">
        unknown: {reason}
      </span>
    );
  }
  return (
    <span className="whitespace-nowrap">
      <span className="font-medium tabular-nums" data-testid="need-total">
        {formatBytes(parts.total)}
      </span>
      <span className={`block tabular-nums ${muted}`} data-testid="need-parts">
        {formatBytes(parts.weights)} weights + {formatBytes(parts.kvCache)} KV cache at {formatContext(context)} +{" "}
        {formatBytes(parts.overhead)} overhead
      </span>
    </span>
  );
}
