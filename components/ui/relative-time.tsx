"use client";

import { useEffect, useState } from "react";

/** "12 s ago" for a time past; "in 24 h" for one ahead (a deadline), beyond a second of clock skew. */
export function formatAge(ms: number): string {
  const ahead = ms < -1000;
  const s = Math.round(Math.abs(ms) / 1000);
  const said = (text: string) => (ahead ? `in ${text}` : `${text} ago`);
  if (s < 60) return ahead ? said(`${s} s`) : `${Math.max(0, Math.round(ms / 1000))} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return said(`${m} min`);
  const h = Math.round(m / 60);
  if (h < 48) return said(`${h} h`);
  return said(`${Math.round(h / 24)} days`);
}

/** "12 s ago" (or "in 3 h"), kept current; the exact time is in the tooltip. */
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
