// The Users page's and the account page's server actions, called directly (as a forged
// request would): each re-checks the session and role, and bad input gets a clear
// message and changes nothing. Only where the session comes from is replaced (next-auth
// reads it from the request cookies, which exist only inside Next).
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { changeOwnPasswordFromConsole } from "@/app/(console)/account/actions";
import {
  changeUserFromConsole,
  createUserFromConsole,
  deleteUserFromConsole,
  resetUserPasswordFromConsole,
} from "@/app/(console)/users/actions";
import { getSessionUser } from "@/lib/auth/session-revocation";
import { listUsers } from "@/lib/db/queries/users";
import { changeUserRole, createUser, deleteUser, setUserDisabled } from "@/lib/users/manage-users";
import { verifyCredentials } from "@/lib/users/verify-credentials";

// A session signed in just now, as the browser's would be.
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/lib/auth/auth", () => ({
  auth: async () => (session.userId ? { user: { id: session.userId }, expires: "", signedInAt: Date.now() } : null),
  signIn: async () => {},
  signOut: async () => {},
  isSignInRefused: () => false,
}));

// The actions refresh the page's data through Next's cache, which exists only inside Next.
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const unknownId = "00000000-0000-4000-8000-000000000000";
const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};
const signsIn = async (email: string, password: string) => (await verifyCredentials({ email, password })) !== null;
const emails = async () => (await listUsers()).map((u) => u.email).sort();

let adminId: string;
let viewerId: string;

beforeAll(async () => {
  adminId = (await createUser({ email: "root@example.com", password: "root-password-12", role: "admin" })).id;
  viewerId = (await createUser({ email: "val@example.com", password: "val-password-123", role: "viewer" })).id;
});

beforeEach(() => {
  session.userId = adminId;
});

describe("adding a user", () => {
  it("refuses a short password with the rule, under the password field, and adds nobody", async () => {
    const before = await emails();
    const answer = await createUserFromConsole(
      null,
      form({ email: "short@example.com", password: "elevenchars", role: "viewer" }),
    );
    expect(answer).toEqual({
      ok: false,
      code: "invalid_input",
      field: "password",
      error: "The password needs at least 12 characters.",
    });
    expect(await emails()).toEqual(before);
  });
});

describe("resetting a user's password", () => {
  it("sets the new password and ends every session the user had", async () => {
    const user = await createUser({ email: "rhea@example.com", password: "rhea-password-1", role: "viewer" });
    const signedInAt = Date.now() - 1000;
    expect(await getSessionUser({ userId: user.id, signedInAt })).not.toBeNull();
    const answer = await resetUserPasswordFromConsole(null, form({ id: user.id, password: "rhea-new-password" }));
    expect(answer).toMatchObject({ ok: true, message: expect.stringContaining("signed out everywhere") });
    expect(await getSessionUser({ userId: user.id, signedInAt })).toBeNull();
    expect(await signsIn("rhea@example.com", "rhea-password-1")).toBe(false);
    expect(await signsIn("rhea@example.com", "rhea-new-password")).toBe(true);
  });

  it("refuses a short password, an unknown user, a malformed id and oneself, changing nothing", async () => {
    const cases = [
      [{ id: viewerId, password: "short" }, "The new password needs at least 12 characters."],
      [{ id: unknownId, password: "long-enough-password" }, "No such user: it may have been removed."],
      [{ id: "not-an-id", password: "long-enough-password" }, "not a valid id"],
      [{ id: adminId, password: "long-enough-password" }, expect.stringContaining("Your account page")],
    ] as const;
    for (const [fields, error] of cases) {
      expect(await resetUserPasswordFromConsole(null, form(fields))).toMatchObject({ ok: false, error });
    }
    expect(await signsIn("val@example.com", "val-password-123")).toBe(true);
    expect(await signsIn("root@example.com", "root-password-12")).toBe(true);
  });
});

describe("deleting a user", () => {
  it("removes the user, whose sessions stop counting", async () => {
    const user = await createUser({ email: "dora@example.com", password: "dora-password-1", role: "admin" });
    expect(await deleteUserFromConsole({ id: user.id })).toMatchObject({
      ok: true,
      message: "dora@example.com was deleted and can no longer sign in.",
    });
    expect(await emails()).not.toContain("dora@example.com");
    expect(await getSessionUser({ userId: user.id, signedInAt: Date.now() })).toBeNull();
    expect(await signsIn("dora@example.com", "dora-password-1")).toBe(false);
  });

  it("refuses an unknown user, a malformed id and oneself, changing nothing", async () => {
    const before = await emails();
    expect(await deleteUserFromConsole({ id: unknownId })).toMatchObject({ ok: false, code: "not_found" });
    expect(await deleteUserFromConsole({ id: "nope" })).toMatchObject({ ok: false, code: "invalid_input" });
    // root is also the only active admin, and the message says what to do about it.
    expect(await deleteUserFromConsole({ id: adminId })).toMatchObject({
      ok: false,
      code: "forbidden",
      error: expect.stringContaining("last active admin"),
    });
    expect(await emails()).toEqual(before);
  });

  it("never removes or demotes the last active admin, whoever asks", async () => {
    // Another admin, disabled: root is the only active one. An admin disabled while
    // their own request was under way is the case the rule guards against here.
    const off = await createUser({ email: "off@example.com", password: "off-password-12", role: "admin" });
    expect(await changeUserFromConsole({ change: "disabled", id: off.id, disabled: true })).toMatchObject({ ok: true });
    const lastAdmin = { code: "conflict", message: "This is the last active admin: make another user admin first." };
    await expect(deleteUser({ by: off.id, id: adminId })).rejects.toMatchObject(lastAdmin);
    await expect(changeUserRole({ by: off.id, id: adminId, role: "viewer" })).rejects.toMatchObject(lastAdmin);
    await expect(setUserDisabled({ by: off.id, id: adminId, disabled: true })).rejects.toMatchObject(lastAdmin);
    expect((await listUsers()).find((u) => u.id === adminId)).toMatchObject({ role: "admin", disabled: false });
    // With a second active admin, root's account could be changed by the other admin's hand.
    expect(await changeUserFromConsole({ change: "disabled", id: off.id, disabled: false })).toMatchObject({
      ok: true,
    });
    expect((await changeUserRole({ by: off.id, id: adminId, role: "viewer" })).role).toBe("viewer");
    expect((await changeUserRole({ by: off.id, id: adminId, role: "admin" })).role).toBe("admin");
    expect(await deleteUserFromConsole({ id: off.id })).toMatchObject({ ok: true });
  });

  it("is refused to a viewer and to a signed-out caller", async () => {
    const target = await createUser({ email: "kept@example.com", password: "kept-password-1", role: "viewer" });
    session.userId = viewerId;
    expect(await deleteUserFromConsole({ id: target.id })).toMatchObject({
      error: expect.stringContaining("Only admins"),
    });
    expect(
      await resetUserPasswordFromConsole(null, form({ id: target.id, password: "viewer-chose-this" })),
    ).toMatchObject({ error: expect.stringContaining("Only admins") });
    session.userId = null;
    expect(await deleteUserFromConsole({ id: target.id })).toMatchObject({ error: expect.stringContaining("sign in") });
    expect(await emails()).toContain("kept@example.com");
    expect(await signsIn("kept@example.com", "kept-password-1")).toBe(true);
  });
});

describe("changing one's own password", () => {
  const change = (fields: Partial<Record<"currentPassword" | "newPassword" | "confirmPassword", string>>) =>
    changeOwnPasswordFromConsole(null, form(fields as Record<string, string>));

  it("needs the current password, the rule and the same new password twice", async () => {
    session.userId = viewerId;
    const cases = [
      [
        { currentPassword: "", newPassword: "val-next-password", confirmPassword: "val-next-password" },
        "currentPassword",
      ],
      [
        { currentPassword: "wrong-password-1", newPassword: "val-next-password", confirmPassword: "val-next-password" },
        "currentPassword",
      ],
      [{ currentPassword: "val-password-123", newPassword: "short", confirmPassword: "short" }, "newPassword"],
      [
        { currentPassword: "val-password-123", newPassword: "val-next-password", confirmPassword: "val-next-passwerd" },
        "confirmPassword",
      ],
    ] as const;
    for (const [fields, field] of cases) {
      expect(await change(fields)).toMatchObject({ ok: false, field, error: expect.any(String) });
    }
    expect(await change(cases[1][0])).toMatchObject({ error: "The current password is wrong; nothing was changed." });
    expect(await signsIn("val@example.com", "val-password-123")).toBe(true);
    session.userId = null;
    expect(
      await change({
        currentPassword: "val-password-123",
        newPassword: "x".repeat(12),
        confirmPassword: "x".repeat(12),
      }),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining("sign in again"),
    });
    expect(await signsIn("val@example.com", "val-password-123")).toBe(true);
  });

  it("changes it for a viewer too, and ends the sessions signed in before", async () => {
    session.userId = viewerId;
    const earlier = Date.now() - 1000;
    const answer = await change({
      currentPassword: "val-password-123",
      newPassword: "val-next-password",
      confirmPassword: "val-next-password",
    });
    expect(answer).toMatchObject({ ok: true, message: expect.stringContaining("Your password was changed") });
    expect(await signsIn("val@example.com", "val-password-123")).toBe(false);
    expect(await signsIn("val@example.com", "val-next-password")).toBe(true);
    expect(await getSessionUser({ userId: viewerId, signedInAt: earlier })).toBeNull();
  });
});
