// Agent output: on a terminal, event lines above a live block of progress bars; piped,
// one JSON object per line (ts, level, event, msg, fields) for log collectors. Secrets
// are scrubbed from every line, whatever put them there.
import { formatDuration } from "../../lib/duration";
import { formatBytes } from "./format";

export type Level = "info" | "warn" | "error";
export type Fields = Record<string, unknown>;

export interface Reporter {
  event(level: Level, event: string, msg: string, fields?: Fields): void;
  /** Called on every chunk; the reporter decides how often it shows. */
  progress(model: string, done: number, total: number): void;
  endProgress(model: string): void;
  close(): void;
}

export interface ReporterOptions {
  out?: NodeJS.WriteStream;
  tty?: boolean;
  secrets?: (string | null | undefined)[];
  /** JSON mode: minimum time between two `download.progress` lines of one model. */
  progressEveryMs?: number;
  now?: () => number;
}

interface Active {
  done: number;
  total: number;
  samples: { at: number; bytes: number }[];
  lastEmit: number;
}

const SPEED_WINDOW_MS = 5000;

function speedOf(a: Active): number {
  const first = a.samples[0];
  const last = a.samples[a.samples.length - 1];
  if (!first || !last || last.at - first.at < 200) return 0;
  return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
}

function makeScrubber(secrets: (string | null | undefined)[]): (text: string) => string {
  const list = secrets.filter((s): s is string => typeof s === "string" && s.length >= 4);
  return (text) => list.reduce((acc, secret) => acc.split(secret).join("***"), text);
}

export function createReporter(opts: ReporterOptions = {}): Reporter {
  const out = opts.out ?? process.stdout;
  const tty = opts.tty ?? Boolean(out.isTTY);
  const now = opts.now ?? Date.now;
  const scrub = makeScrubber(opts.secrets ?? []);
  const everyMs = opts.progressEveryMs ?? 2000;
  const active = new Map<string, Active>();
  let drawn = 0;
  let timer: NodeJS.Timeout | null = null;

  // A reader that went away (`llmlb node run | head`) must not take the agent down with EPIPE.
  out.on?.("error", () => {});
  const write = (text: string) => out.write(scrub(text));

  const clearBlock = () => {
    if (drawn > 0) write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const drawBlock = () => {
    const width = Math.max(40, (out.columns || 100) - 1);
    const lines = [...active.entries()].map(([model, a]) => progressLine(model, a, width));
    if (lines.length > 0) write(`${lines.join("\n")}\n`);
    drawn = lines.length;
  };
  const redraw = () => {
    clearBlock();
    drawBlock();
  };

  const jsonLine = (level: Level, event: string, msg: string, fields: Fields) =>
    write(`${JSON.stringify({ ts: new Date(now()).toISOString(), level, event, msg, ...fields })}\n`);

  return {
    event(level, event, msg, fields = {}) {
      if (!tty) return jsonLine(level, event, msg, fields);
      clearBlock();
      const time = new Date(now()).toTimeString().slice(0, 8);
      const tag = level === "error" ? "\x1b[31merror\x1b[0m " : level === "warn" ? "\x1b[33mwarn\x1b[0m  " : "";
      write(`\x1b[2m${time}\x1b[0m ${tag}${msg}\n`);
      drawBlock();
    },
    progress(model, done, total) {
      const at = now();
      let a = active.get(model);
      if (!a) {
        a = { done, total, samples: [], lastEmit: 0 };
        active.set(model, a);
      }
      a.done = done;
      a.total = total;
      // One sample per 100 ms: per-chunk samples on a fast link filled the cap within
      // ~100 ms, too short a window to compute a speed from (it showed 0 B/s).
      const previous = a.samples[a.samples.length - 1];
      if (!previous || at - previous.at >= 100) a.samples.push({ at, bytes: done });
      while (a.samples.length > 2 && (a.samples[0]?.at ?? at) < at - SPEED_WINDOW_MS) a.samples.shift();
      if (a.samples.length > 500) a.samples.splice(0, a.samples.length - 500);
      if (tty) {
        timer ??= setInterval(redraw, 250).unref();
        return;
      }
      if (at - a.lastEmit < everyMs) return;
      a.lastEmit = at;
      jsonLine("info", "download.progress", `${model}: ${formatBytes(done)} of ${formatBytes(total)}`, {
        model,
        bytes_done: done,
        bytes_total: total,
        speed_bps: Math.round(speedOf(a)),
      });
    },
    endProgress(model) {
      if (!active.delete(model) || !tty) return;
      redraw();
      if (active.size === 0 && timer) {
        clearInterval(timer);
        timer = null;
      }
    },
    close() {
      if (timer) clearInterval(timer);
      timer = null;
      if (tty) clearBlock();
      active.clear();
    },
  };
}

function progressLine(model: string, a: Active, width: number): string {
  const speed = speedOf(a);
  const ratio = a.total > 0 ? Math.min(1, a.done / a.total) : 0;
  const eta = speed > 0 ? ` ETA ${formatDuration(((a.total - a.done) / speed) * 1000)}` : "";
  const filled = Math.round(ratio * 20);
  const bar = `[${"#".repeat(filled)}${".".repeat(20 - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%`;
  const suffix = ` ${bar} ${formatBytes(a.done)}/${formatBytes(a.total)} ${formatBytes(Math.round(speed))}/s${eta}`;
  // The model name gives way first: the figures are what a person watches.
  const room = Math.max(12, width - suffix.length);
  const name = model.length > room ? `…${model.slice(-(room - 1))}` : model;
  return `${name}${suffix}`.slice(0, width);
}
