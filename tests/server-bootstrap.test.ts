// A fresh install with no configuration at all: the server creates its schema and
// prints one admin key, which works, and the console's first admin with the full URL to
// sign in at; a restart prints neither again.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startNextServer } from "./helpers/server";
import { createPostgresDatabase, testDbKind } from "./helpers/test-database";

let cleanup: (() => Promise<void> | void) | undefined;
afterAll(async () => cleanup?.());

async function freshDatabaseEnv(): Promise<Record<string, string | undefined>> {
  if (testDbKind === "postgres") {
    const db = await createPostgresDatabase();
    cleanup = db.drop;
    return { DATABASE_URL: db.url, PGLITE_DIR: undefined };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-bootstrap-"));
  cleanup = () => rmSync(dir, { recursive: true, force: true });
  return { DATABASE_URL: undefined, PGLITE_DIR: dir };
}

describe("first start", () => {
  it("prints a working admin key and where to sign in once, when none exists", async () => {
    const env = {
      ...(await freshDatabaseEnv()),
      LLMLB_ADMIN_KEY: undefined,
      LLMLB_ADMIN_EMAIL: undefined,
      LLMLB_ADMIN_PASSWORD: undefined,
      HF_TOKEN: undefined,
    };
    const first = await startNextServer(env);
    let key: string | undefined;
    try {
      // The address the server listens on, whole: a bare "/login" tells nobody where to go.
      const port = new URL(first.url).port;
      await waitFor(() => first.logs.some((l) => l.includes("Sign in at")));
      const hint = first.logs.find((l) => l.includes("Sign in at"));
      expect(hint).toContain(`Sign in at http://localhost:${port}/login and add your team`);
      expect(first.logs.join("\n")).toMatch(/password: \S{12,}/);
      await waitFor(() => first.logs.some((l) => /llmlb_[A-Za-z0-9_-]{20,}/.test(l)));
      key = first.logs.join("\n").match(/llmlb_[A-Za-z0-9_-]{20,}/)?.[0];
      expect(key).toBeDefined();
      const res = await fetch(`${first.url}/api/keys`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      const { keys } = await res.json();
      expect(keys).toHaveLength(1);
      expect(keys[0].scope).toBe("admin");
    } finally {
      await first.stop();
    }
    const second = await startNextServer(env);
    try {
      const res = await fetch(`${second.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      expect(second.logs.join("\n")).not.toMatch(/llmlb_[A-Za-z0-9_-]{20,}/);
      expect(second.logs.join("\n")).not.toContain("Sign in at");
    } finally {
      await second.stop();
    }
  });
});

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}
