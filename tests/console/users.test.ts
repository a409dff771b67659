// Console users: the slow password hash, the first admin, sign-in checks and the
// rules that keep at least one admin.
import { afterEach, describe, expect, it, vi } from "vitest";
import { listUsers } from "@/lib/db/queries/users";
import { ensureFirstAdmin, generatedAdminEmail } from "@/lib/users/first-admin";
import { changeUserRole, createUser, setUserDisabled } from "@/lib/users/manage-users";
import { hashPassword, verifyPassword } from "@/lib/users/password";
import { verifyCredentials } from "@/lib/users/verify-credentials";

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
