"use client";

import { useEffect, useState } from "react";

export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** "12 s ago", kept current; the exact time is in the tooltip. */
export function RelativeTime({ date }: { date: string | number | Date }) {
  const time = new Date(date);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time dateTime={time.toISOString()} title={time.toLocaleString()} suppressHydrationWarning>
      {formatAge(now - time.getTime())}
    </time>
  );
}
