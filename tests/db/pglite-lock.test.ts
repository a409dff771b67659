// Two processes on one embedded-database folder would silently lose writes: the
// second must refuse to start, and start once the first has stopped.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/open";

const root = path.resolve(__dirname, "../..");
const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const openInAnotherProcess = () =>
  promisify(execFile)(
    path.join(root, "node_modules/.bin/tsx"),
    [
      "-e",
      'import("./lib/db/open.ts").then(async (m) => { const { openDatabase } = m.default ?? m; const d = await openDatabase({ migrate: false }); await d.close(); console.log("opened"); })',
    ],
    { cwd: root, env: { ...process.env, DATABASE_URL: "", PGLITE_DIR: dir }, timeout: 60_000 },
  );

describe("embedded database folder lock", () => {
  it("refuses a second process on the same PGLITE_DIR, and allows it after the first closes", async () => {
    const saved = { url: process.env.DATABASE_URL, dir: process.env.PGLITE_DIR };
    process.env.PGLITE_DIR = dir;
    delete process.env.DATABASE_URL;
    const first = await openDatabase({ migrate: false });
    process.env.PGLITE_DIR = saved.dir;
    if (saved.url) process.env.DATABASE_URL = saved.url;
    try {
      const refused = await openInAnotherProcess().then(
        () => null,
        (error: { stderr: string }) => error,
      );
      expect(refused?.stderr).toContain("is in use by another llmlb server");
    } finally {
      await first.close();
    }
    const { stdout } = await openInAnotherProcess();
    expect(stdout).toContain("opened");
  });

  it("takes over a lock whose pid now belongs to an unrelated live process", async () => {
    // The lock names the pid of a process started after the server that wrote it died.
    const unrelated = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      writeFileSync(path.join(dir, "llmlb.lock"), JSON.stringify({ pid: unrelated.pid, start: "1" }));
      const { stdout } = await openInAnotherProcess();
      expect(stdout).toContain("opened");
    } finally {
      unrelated.kill("SIGKILL");
    }
  });
});
