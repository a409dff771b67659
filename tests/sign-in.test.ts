// Console sign-in through next-auth's real credentials endpoint on the production
// server: the lock holds against simultaneous attempts, and a password taken from the
// environment at a restart ends the sessions signed in with the old one.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startNextServer } from "./helpers/server";
import { createPostgresDatabase, testDbKind } from "./helpers/test-database";

const email = "ops@example.com";
const firstPassword = "first-password-123";
const rotatedPassword = "rotated-password-456";

let dbEnv: Record<string, string | undefined>;
let cleanup: (() => Promise<void> | void) | undefined;
let server: RunningServer | undefined;

beforeAll(async () => {
  if (testDbKind === "postgres") {
    const db = await createPostgresDatabase();
    cleanup = db.drop;
    dbEnv = { DATABASE_URL: db.url, PGLITE_DIR: undefined };
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-sign-in-"));
    cleanup = () => rmSync(dir, { recursive: true, force: true });
    dbEnv = { DATABASE_URL: undefined, PGLITE_DIR: dir };
  }
});

afterAll(async () => {
  await server?.stop();
  await cleanup?.();
});

/** Start (or restart) the server with this admin password in the environment. */
async function startWithAdminPassword(password: string): Promise<RunningServer> {
  await server?.stop();
  server = await startNextServer({
    ...dbEnv,
    LLMLB_ADMIN_EMAIL: email,
    LLMLB_ADMIN_PASSWORD: password,
    LLMLB_ADMIN_KEY: undefined,
  });
  return server;
}

type Outcome = { result: "signed-in"; cookie: string } | { result: "invalid" | "locked" };

/** next-auth's CSRF token and the cookie it belongs to; one pair serves many attempts. */
async function getCsrf(url: string): Promise<{ token: string; cookie: string }> {
  const res = await fetch(`${url}/api/auth/csrf`);
  const { csrfToken } = await res.json();
  return {
    token: csrfToken,
    cookie: res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; "),
  };
}

/** What a person signing in meets: a session cookie, or the login page with the reason. */
async function signIn(url: string, csrf: { token: string; cookie: string }, password: string): Promise<Outcome> {
  const res = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.cookie },
    body: new URLSearchParams({ csrfToken: csrf.token, email, password, callbackUrl: `${url}/models` }),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => /^authjs\.session-token=./.test(c));
  if (session) return { result: "signed-in", cookie: session };
  const location = res.headers.get("location") ?? "";
  if (location.includes("code=sign_in_locked")) return { result: "locked" };
  if (location.includes("error=CredentialsSignin")) return { result: "invalid" };
  throw new Error(`unexpected sign-in answer ${res.status} ${location}`);
}

const listKeys = (url: string, cookie: string) => fetch(`${url}/api/keys`, { headers: { cookie } });

describe("console sign-in on the production server", () => {
  it("ends the sessions of the old admin password when a restart takes a new one", async () => {
    let { url } = await startWithAdminPassword(firstPassword);
    const before = await signIn(url, await getCsrf(url), firstPassword);
    expect(before.result).toBe("signed-in");
    const oldCookie = (before as { cookie: string }).cookie;
    expect((await listKeys(url, oldCookie)).status).toBe(200);

    ({ url } = await startWithAdminPassword(rotatedPassword));
    expect((await listKeys(url, oldCookie)).status).toBe(401);
    const csrf = await getCsrf(url);
    expect(await signIn(url, csrf, firstPassword)).toEqual({ result: "invalid" });
    const after = await signIn(url, csrf, rotatedPassword);
    expect(after.result).toBe("signed-in");
    expect((await listKeys(url, (after as { cookie: string }).cookie)).status).toBe(200);
  });

  it("checks at most 10 passwords of 40 simultaneous attempts, and the right one among them is refused", async () => {
    const url = server?.url ?? (await startWithAdminPassword(rotatedPassword)).url;
    const csrf = await getCsrf(url);
    // The 31st attempt has the right password: it arrives after the limit is reached.
    const passwords = Array.from({ length: 40 }, (_, i) => (i === 30 ? rotatedPassword : `wrong-password-${i}`));
    const outcomes = await Promise.all(passwords.map((p) => signIn(url, csrf, p)));
    const count = (result: Outcome["result"]) => outcomes.filter((o) => o.result === result).length;
    // "invalid" means the password was checked; "locked" means it never was.
    expect({ checked: count("invalid"), locked: count("locked"), signedIn: count("signed-in") }).toEqual({
      checked: 10,
      locked: 30,
      signedIn: 0,
    });
    expect(outcomes[30]).toEqual({ result: "locked" });
    // The email stays locked, the right password included.
    expect(await signIn(url, csrf, rotatedPassword)).toEqual({ result: "locked" });
  });
});
