// Console users: the slow password hash, the first admin, sign-in checks and the
// rules that keep at least one admin.

import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { listUsers } from "@/lib/db/queries/users";
import { signInFailures } from "@/lib/db/schema";
import { ensureFirstAdmin, generatedAdminEmail } from "@/lib/users/first-admin";
import { changeUserRole, createUser, setUserDisabled } from "@/lib/users/manage-users";
import { hashPassword, verifyPassword } from "@/lib/users/password";
import { SIGN_IN_LIMIT } from "@/lib/users/sign-in-limit";
import { checkSignIn, verifyCredentials } from "@/lib/users/verify-credentials";

afterEach(() => vi.restoreAllMocks());

describe("password hashing", () => {
  it("stores a salted scrypt hash that only the right password matches", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(hash).not.toContain("correct horse");
    expect(await hashPassword("correct horse battery staple")).not.toBe(hash);
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", hash)).toBe(false);
    expect(await verifyPassword("anything", "not-a-hash")).toBe(false);
  });
});

describe("first admin", () => {
  it("is generated once on an empty database, with its password printed once", async () => {
    const printed: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    const first = await ensureFirstAdmin({});
    expect(first).toMatchObject({ created: true, email: generatedAdminEmail });
    const shown = printed.join("");
    expect(shown).toContain(generatedAdminEmail);
    expect(shown).toContain(first.password);
    expect(await verifyCredentials({ email: "ADMIN@localhost", password: first.password ?? "" })).not.toBeNull();

    printed.length = 0;
    expect(await ensureFirstAdmin({})).toMatchObject({ created: false });
    expect(printed.join("")).toBe("");
    const users = await listUsers();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ email: generatedAdminEmail, role: "admin", disabled: false });
  });

  it("comes from LLMLB_ADMIN_EMAIL / LLMLB_ADMIN_PASSWORD, whose password wins on restart", async () => {
    const env = { email: "ops@example.com", password: "first-password-123" };
    expect(await ensureFirstAdmin(env)).toMatchObject({ created: true, email: "ops@example.com" });
    expect(await verifyCredentials(env)).not.toBeNull();
    await ensureFirstAdmin({ ...env, password: "rotated-password-456" });
    expect(await verifyCredentials(env)).toBeNull();
    expect(await verifyCredentials({ ...env, password: "rotated-password-456" })).not.toBeNull();
    expect((await listUsers()).filter((u) => u.email === "ops@example.com")).toHaveLength(1);
  });
});

describe("sign-in checks and user management", () => {
  it("refuses unknown emails, wrong passwords and disabled users alike", async () => {
    const user = await createUser({ email: "ana@example.com", password: "ana-password-123", role: "viewer" });
    expect(await verifyCredentials({ email: "ana@example.com", password: "ana-password-123" })).toEqual({
      id: user.id,
    });
    expect(await verifyCredentials({ email: "ana@example.com", password: "wrong-password" })).toBeNull();
    expect(await verifyCredentials({ email: "nobody@example.com", password: "ana-password-123" })).toBeNull();
    await setUserDisabled({ id: user.id, disabled: true });
    expect(await verifyCredentials({ email: "ana@example.com", password: "ana-password-123" })).toBeNull();
    await setUserDisabled({ id: user.id, disabled: false });
    expect(await verifyCredentials({ email: " Ana@Example.com ", password: "ana-password-123" })).not.toBeNull();
  });

  it("refuses a second account with the same email in another case", async () => {
    await createUser({ email: "bo@example.com", password: "bo-password-1234", role: "viewer" });
    await expect(
      createUser({ email: "BO@example.com", password: "bo-password-1234", role: "admin" }),
    ).rejects.toMatchObject({ code: "conflict", status: 409 });
  });

  it("never leaves the console without an active admin", async () => {
    await createUser({ email: "cy@example.com", password: "cy-password-1234", role: "admin" });
    // Demote every active admin but one (whatever earlier tests left).
    const admins = (await listUsers()).filter((u) => u.role === "admin" && !u.disabled);
    const [last, ...others] = admins;
    for (const other of others) await changeUserRole({ id: other.id, role: "viewer" });
    await expect(changeUserRole({ id: last.id, role: "viewer" })).rejects.toMatchObject({ code: "conflict" });
    await expect(setUserDisabled({ id: last.id, disabled: true })).rejects.toThrow(/last active admin/);
    const promoted = await changeUserRole({ id: others[0].id, role: "admin" });
    expect(promoted.role).toBe("admin");
    expect((await setUserDisabled({ id: last.id, disabled: true })).disabled).toBe(true);
  });
});

describe("sign-in lock", () => {
  const failTimes = (email: string, n: number) =>
    Promise.all(Array.from({ length: n }, () => checkSignIn({ email, password: "wrong-password" })));

  it("locks an email after 10 failures, even for the right password, until the lock ends", async () => {
    const user = await createUser({ email: "eve@example.com", password: "eve-password-123", role: "viewer" });
    const right = { email: "eve@example.com", password: "eve-password-123" };
    // Nine failures, then a success: the count starts over.
    for (const r of await failTimes("eve@example.com", SIGN_IN_LIMIT.failures - 1)) {
      expect(r).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await checkSignIn(right)).toEqual({ ok: true, id: user.id });

    await failTimes(" EVE@example.com", SIGN_IN_LIMIT.failures);
    const locked = await checkSignIn(right);
    expect(locked).toMatchObject({ ok: false, reason: "locked" });
    const minutes = ((locked as { until: Date }).until.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(SIGN_IN_LIMIT.lockMinutes - 1);
    expect(minutes).toBeLessThanOrEqual(SIGN_IN_LIMIT.lockMinutes);
    // Attempts during the lock do not make it longer.
    expect(await checkSignIn(right)).toEqual(locked);
    // Another email is not affected.
    await createUser({ email: "fay@example.com", password: "fay-password-123", role: "viewer" });
    expect(await checkSignIn({ email: "fay@example.com", password: "fay-password-123" })).toMatchObject({ ok: true });

    // The lock's end, brought forward: the right password works again.
    const { db } = await getDb();
    await db
      .update(signInFailures)
      .set({ lockedUntil: sql`now() - interval '1 second'`, windowStartedAt: sql`now() - interval '1 hour'` });
    expect(await checkSignIn({ ...right, password: "wrong-password" })).toEqual({ ok: false, reason: "invalid" });
    expect(await checkSignIn(right)).toEqual({ ok: true, id: user.id });
  });

  it("forgets failures older than the window", async () => {
    await createUser({ email: "ida@example.com", password: "ida-password-123", role: "viewer" });
    await failTimes("ida@example.com", SIGN_IN_LIMIT.failures - 1);
    const { db } = await getDb();
    await db
      .update(signInFailures)
      .set({ windowStartedAt: sql`now() - interval '${sql.raw(String(SIGN_IN_LIMIT.windowMinutes))} minutes'` })
      .where(sql`${signInFailures.email} = 'ida@example.com'`);
    for (const r of await failTimes("ida@example.com", SIGN_IN_LIMIT.failures - 1)) {
      expect(r).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await checkSignIn({ email: "ida@example.com", password: "ida-password-123" })).toMatchObject({ ok: true });
  });

  it("checks at most 10 passwords when 40 attempts for one email arrive at once", async () => {
    await createUser({ email: "hal@example.com", password: "hal-password-123", role: "viewer" });
    const right = { email: "hal@example.com", password: "hal-password-123" };
    // The 31st attempt has the right password: it comes after the limit is reached.
    const attempts = Array.from({ length: 40 }, (_, i) => (i === 30 ? right : { ...right, password: `wrong-${i}` }));
    const results = await Promise.all(attempts.map((a) => checkSignIn(a)));
    const count = (outcome: string) => results.filter((r) => (r.ok ? "ok" : r.reason) === outcome).length;
    // "invalid" means the password was checked; "locked" means it never was.
    expect({ checked: count("invalid"), locked: count("locked"), ok: count("ok") }).toEqual({
      checked: SIGN_IN_LIMIT.failures,
      locked: 40 - SIGN_IN_LIMIT.failures,
      ok: 0,
    });
    expect(results[30]).toMatchObject({ ok: false, reason: "locked" });
    // Locked for the full time, the right password included.
    const after = await checkSignIn(right);
    expect(after).toMatchObject({ ok: false, reason: "locked" });
    const minutes = ((after as { until: Date }).until.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(SIGN_IN_LIMIT.lockMinutes - 1);
  });

  it("locks every spelling that signs in as the same user, Unicode case variants included", async () => {
    const user = await createUser({ email: "mia@example.com", password: "mia-password-123", role: "viewer" });
    // U+0130 (İ): the database's lower() makes it "i", JavaScript's toLowerCase() "i̇".
    const variant = "mİa@example.com";
    expect(await checkSignIn({ email: variant, password: "mia-password-123" })).toEqual({ ok: true, id: user.id });
    await failTimes("mia@example.com", SIGN_IN_LIMIT.failures);
    expect(await checkSignIn({ email: variant, password: "mia-password-123" })).toMatchObject({
      ok: false,
      reason: "locked",
    });
    // The other way round: failures under the variant lock the plain spelling too.
    await createUser({ email: "tim@example.com", password: "tim-password-123", role: "viewer" });
    await failTimes("TİM@example.com", SIGN_IN_LIMIT.failures);
    expect(await checkSignIn({ email: "tim@example.com", password: "tim-password-123" })).toMatchObject({
      ok: false,
      reason: "locked",
    });
  });

  it("counts concurrent failures, and locks an email no user has the same way", async () => {
    await failTimes("ghost@example.com", SIGN_IN_LIMIT.failures + 2);
    expect(await checkSignIn({ email: "ghost@example.com", password: "anything-at-all" })).toMatchObject({
      ok: false,
      reason: "locked",
    });
  });
});
