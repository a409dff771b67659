import { cn } from "./cn";

/** A determinate progress bar; `label` names what is progressing for screen readers. */
export function ProgressBar({
  value,
  max,
  label,
  className,
}: {
  value: number;
  max: number;
  label: string;
  className?: string;
}) {
  const percent = max > 0 ? Math.min(100, Math.max(0, Math.round((value / max) * 100))) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={`${percent}%`}
      className={cn("h-1.5 w-full overflow-hidden rounded-full bg-sky-100 dark:bg-sky-950", className)}
    >
      <div
        className="h-full rounded-full bg-sky-600 transition-[width] dark:bg-sky-400"
        style={{ width: `${percent}%` }}
      />
    </div>
  );
}
