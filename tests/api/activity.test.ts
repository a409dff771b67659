// The activity log (README "Activity"): every change through the API and the console's
// server actions is recorded with who, what and the outcome (refused ones with their error
// code), sign-ins and lockouts too; GET /api/activity pages and filters it for admins only;
// and no password, key or hash of one ever lands in a row.
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createKeyFromConsole, revokeKeyFromConsole } from "@/app/(console)/keys/actions";
import { deleteFromConsole, registerFromConsole } from "@/app/(console)/models/actions";
import {
  changeUserFromConsole,
  createUserFromConsole,
  deleteUserFromConsole,
  resetUserPasswordFromConsole,
} from "@/app/(console)/users/actions";
import { recordActivity } from "@/lib/activity/record";
import { activityListSchema } from "@/lib/api/activity-schemas";
import { hashApiKey } from "@/lib/auth/api-keys";
import { checkAndRecordSignIn } from "@/lib/auth/check-sign-in";
import { getDb } from "@/lib/db/client";
import { activityEntries } from "@/lib/db/schema";
import { ensureAuthSecret } from "@/lib/settings/auth-secret";
import { createUser, listUsers } from "@/lib/users/manage-users";
import { changeOwnPassword } from "@/lib/users/own-password";
import { SIGN_IN_LIMIT } from "@/lib/users/sign-in-limit";
import { adminKey, startHubForFile } from "../helpers/env";
import { callJson } from "../helpers/routes";

// Console server actions read the session through next-auth, which exists only inside
// Next: only where the session comes from is replaced (as in tests/console/actions.test.ts).
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/lib/auth/auth", () => ({
  auth: async () => (session.userId ? { user: { id: session.userId }, expires: "" } : null),
  signIn: async () => {},
  signOut: async () => {},
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const hub = startHubForFile();

const adminPassword = "admin-activity-password-1";
const viewerPassword = "viewer-activity-password-1";
/** Every secret this file uses; none may appear in any stored row. */
const secrets: string[] = [adminKey, hashApiKey(adminKey), adminPassword, viewerPassword];
const cookieName = "authjs.session-token";

type Entry = {
  id: number;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  error_code: string | null;
  detail: string | null;
};

let adminId: string;
let adminCookie: string;
let viewerCookie: string;

async function sessionCookie(userId: string): Promise<string> {
  const token = await encode({
    token: { sub: userId, signedInAt: Date.now() },
    secret: process.env.AUTH_SECRET ?? "",
    salt: cookieName,
  });
  return `${cookieName}=${token}`;
}

async function newKey(name: string, scope: string, key = adminKey): Promise<{ id: string; key: string }> {
  const res = await callJson("POST", "/api/keys", { key, json: { name, scope } });
  expect(res.status).toBe(201);
  secrets.push(res.body.key, hashApiKey(res.body.key));
  return res.body;
}

/** The whole log through the API, newest first, as an admin reads it. */
async function activity(query = ""): Promise<{ entries: Entry[]; next_before: number | null }> {
  const res = await callJson("GET", `/api/activity${query}`, { key: adminKey });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return activityListSchema.parse(res.body);
}

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

beforeAll(async () => {
  await ensureAuthSecret();
  const admin = await createUser({ email: "ana@example.com", password: adminPassword, role: "admin" });
  const viewer = await createUser({ email: "vic@example.com", password: viewerPassword, role: "viewer" });
  adminId = admin.id;
  adminCookie = await sessionCookie(admin.id);
  viewerCookie = await sessionCookie(viewer.id);
});

describe("recording", () => {
  it("records every kind of change with who did it, what it touched and the outcome", async () => {
    const ops = await newKey("ops", "admin");
    const nodeKey = await newKey("rack-7", "node", ops.key);
    const reg = await callJson("POST", "/api/models/register", { key: ops.key, json: { repo: "acme/tiny-metal" } });
    expect(reg.status).toBe(201);
    const { name, commit } = reg.body.model;
    expect((await callJson("PATCH", `/api/models/${name}`, { key: ops.key, json: { follow: "manual" } })).status).toBe(
      200,
    );

    // A node that holds the current commit, so a promotion must be forced and a rollback is at once.
    const node = await callJson("POST", "/api/nodes", {
      key: nodeKey.key,
      json: { name: "gpu-1", formats: ["metal"] },
    });
    const sync = await callJson("PUT", `/api/nodes/${node.body.id}/sync`, {
      key: nodeKey.key,
      json: {
        protocol: 2,
        session: "activity-session-0001",
        seq: 1,
        full: true,
        models: [{ name, commit, state: "ready", variant: "metal" }],
      },
    });
    expect(sync.status).toBe(200);
    hub().push("acme/tiny-metal", { write: [{ path: "README.md", kind: "text", content: "# moved\n" }] });
    const staged = await callJson("POST", `/api/models/${name}/update`, { key: ops.key });
    const head = staged.body.rollout.candidate.commit as string;
    expect(
      (await callJson("POST", `/api/models/${name}/promote`, { key: ops.key, json: { force: true } })).status,
    ).toBe(200);
    expect((await callJson("POST", `/api/models/${name}/rollback`, { key: ops.key })).status).toBe(200);
    expect(
      (await callJson("POST", `/api/models/${name}/update`, { key: ops.key, json: { commit: head } })).status,
    ).toBe(200);
    expect((await callJson("DELETE", `/api/models/${name}/candidate`, { key: ops.key })).status).toBe(200);
    expect((await callJson("DELETE", `/api/nodes/${node.body.id}`, { key: ops.key })).status).toBe(204);
    expect((await callJson("DELETE", `/api/models/${name}`, { key: ops.key })).status).toBe(204);
    expect((await callJson("DELETE", `/api/keys/${nodeKey.id}`, { key: ops.key })).status).toBe(204);

    const { entries } = await activity("?limit=200");
    const mine = entries.filter((e) => e.actor === 'key "ops"').reverse();
    expect(mine.map((e) => [e.action, e.target, e.outcome])).toEqual([
      ["key.created", "rack-7", "ok"],
      ["model.registered", name, "ok"],
      ["model.follow_changed", name, "ok"],
      ["model.update_staged", name, "ok"],
      ["model.promoted", name, "ok"],
      ["model.rolled_back", name, "ok"],
      ["model.update_staged", name, "ok"],
      ["model.update_cancelled", name, "ok"],
      ["node.forgotten", "gpu-1", "ok"],
      ["model.deleted", name, "ok"],
      ["key.revoked", "rack-7", "ok"],
    ]);
    expect(mine.every((e) => e.error_code === null)).toBe(true);
    expect(mine.find((e) => e.action === "model.promoted")?.detail).toContain("forced: not ready on gpu-1");
    expect(mine.find((e) => e.action === "key.created")?.detail).toBe("scope node");
    // The bootstrap key is named as such.
    expect(entries.find((e) => e.action === "key.created" && e.target === "ops")?.actor).toBe("LLMLB_ADMIN_KEY");
  });

  it("records a console user's changes under their email", async () => {
    session.userId = adminId;
    const registered = await registerFromConsole(null, form({ repo: "acme/tiny-onnx" }));
    expect(registered).toMatchObject({ ok: true });
    const created = await createKeyFromConsole(null, form({ name: "console-made", scope: "reader" }));
    if (!created.ok) throw new Error(created.error);
    secrets.push(created.key, hashApiKey(created.key));
    const keyId = (await callJson("GET", "/api/keys", { key: adminKey })).body.keys.find(
      (k: { name: string }) => k.name === "console-made",
    ).id;
    expect(await revokeKeyFromConsole(keyId)).toEqual({ ok: true });
    expect(await deleteFromConsole("hf/acme/tiny-onnx")).toEqual({ ok: true });

    const { entries } = await activity("?actor=ana@example.com");
    expect(entries.map((e) => [e.action, e.target, e.outcome]).reverse()).toEqual([
      ["model.registered", "hf/acme/tiny-onnx", "ok"],
      ["key.created", "console-made", "ok"],
      ["key.revoked", "console-made", "ok"],
      ["model.deleted", "hf/acme/tiny-onnx", "ok"],
    ]);
  });

  it("records a refused action as refused, with its error code", async () => {
    await callJson("POST", "/api/models/register", { key: adminKey, json: { repo: "acme/tiny-onnx" } });
    const again = await callJson("POST", "/api/models/register", { key: adminKey, json: { repo: "acme/tiny-onnx" } });
    expect(again.status).toBe(409);
    expect((await callJson("DELETE", "/api/models/hf/acme/nothing-here", { key: adminKey })).status).toBe(404);
    expect((await callJson("POST", "/api/models/hf/acme/tiny-onnx/promote", { key: adminKey })).status).toBe(409);
    const unknownKey = "00000000-0000-4000-8000-000000000000";
    expect((await callJson("DELETE", `/api/keys/${unknownKey}`, { key: adminKey })).status).toBe(404);
    expect((await callJson("DELETE", `/api/nodes/${unknownKey}`, { key: adminKey })).status).toBe(404);

    const { entries } = await activity("?outcome=refused");
    expect(entries.map((e) => [e.action, e.target, e.error_code]).reverse()).toEqual(
      expect.arrayContaining([
        ["model.registered", "acme/tiny-onnx", "model_exists"],
        ["model.deleted", "hf/acme/nothing-here", "model_not_found"],
        ["model.promoted", "hf/acme/tiny-onnx", "conflict"],
        ["key.revoked", unknownKey, "key_not_found"],
        ["node.forgotten", unknownKey, "node_not_found"],
      ]),
    );
    expect(entries.every((e) => e.outcome === "refused" && e.actor === "LLMLB_ADMIN_KEY")).toBe(true);
  });

  it("records sign-ins, failed ones, and attempts refused by a lockout, never the password", async () => {
    expect(await checkAndRecordSignIn({ email: "ana@example.com", password: adminPassword })).toMatchObject({
      ok: true,
    });
    expect(await checkAndRecordSignIn({ email: "ana@example.com", password: viewerPassword })).toMatchObject({
      ok: false,
      reason: "invalid",
    });
    const guessed = "guess-0";
    secrets.push(guessed);
    for (let i = 0; i < SIGN_IN_LIMIT.failures; i++) {
      await checkAndRecordSignIn({ email: "vic@example.com", password: guessed });
    }
    expect(await checkAndRecordSignIn({ email: "vic@example.com", password: viewerPassword })).toMatchObject({
      ok: false,
      reason: "locked",
    });

    const ana = (await activity("?action=sign_in&actor=ana@")).entries;
    expect(ana.map((e) => [e.action, e.outcome, e.error_code])).toEqual([
      ["sign_in", "refused", "invalid_credentials"],
      ["sign_in", "ok", null],
    ]);
    const locked = (await activity("?action=sign_in.locked_out")).entries;
    expect(locked).toHaveLength(1);
    expect(locked[0]).toMatchObject({ actor: "vic@example.com", outcome: "refused", error_code: "sign_in_locked" });
    expect((await activity("?action=sign_in&actor=vic")).entries).toHaveLength(SIGN_IN_LIMIT.failures + 1);
  });

  it("cuts long text to a bound and drops control characters", async () => {
    await recordActivity({
      actor: "a".repeat(5_000),
      action: "node.forgotten",
      target: `hf/acme/${"x".repeat(5_000)}`,
      detail: "d".repeat(5_000),
      outcome: "ok",
    });
    await checkAndRecordSignIn({ email: "ev\u0007il@example.com", password: "whatever-1" });
    const [evil, long] = (await activity("?limit=2")).entries;
    expect(evil).toMatchObject({ actor: "evil@example.com", outcome: "refused" });
    expect([long.actor.length, long.target?.length, long.detail?.length]).toEqual([254, 1_200, 500]);
    expect(long.target?.endsWith("…")).toBe(true);
  });
});

describe("user changes", () => {
  it("records users added, re-roled, disabled, enabled, reset and deleted by an admin, and own password changes", async () => {
    session.userId = adminId;
    const first = "first-password-of-uma-1";
    const reset = "reset-password-of-uma-2";
    const own = "own-password-of-uma-3";
    secrets.push(first, reset, own);
    const added = await createUserFromConsole(
      null,
      form({ email: "uma@example.com", password: first, role: "viewer", name: "Uma" }),
    );
    expect(added).toMatchObject({ ok: true });
    const uma = (await listUsers()).find((u) => u.email === "uma@example.com");
    if (!uma) throw new Error("uma was not added");
    expect(await changeUserFromConsole({ change: "role", id: uma.id, role: "admin" })).toMatchObject({ ok: true });
    expect(await changeUserFromConsole({ change: "disabled", id: uma.id, disabled: true })).toMatchObject({ ok: true });
    expect(await changeUserFromConsole({ change: "disabled", id: uma.id, disabled: false })).toMatchObject({
      ok: true,
    });
    expect(await resetUserPasswordFromConsole(null, form({ id: uma.id, password: reset }))).toMatchObject({
      ok: true,
    });
    // Refused: nobody deletes themselves.
    expect(await deleteUserFromConsole({ id: adminId })).toMatchObject({ ok: false });
    // Uma changes her own password: once with a wrong current one, then rightly.
    const change = (currentPassword: string) =>
      changeOwnPassword({
        user: { id: uma.id, email: uma.email },
        change: { currentPassword, newPassword: own, confirmPassword: own },
      });
    await expect(change(first)).rejects.toMatchObject({ code: "invalid_input" });
    await change(reset);
    expect(await deleteUserFromConsole({ id: uma.id })).toMatchObject({ ok: true });

    const all = (await activity("?action=user")).entries;
    // The accounts this file starts with were added with no one signed in.
    expect(all.filter((e) => e.actor === "system").map((e) => e.target)).toEqual([
      "vic@example.com",
      "ana@example.com",
    ]);
    const entries = all.filter((e) => e.actor !== "system");
    expect(entries.map((e) => [e.actor, e.action, e.target, e.outcome, e.error_code]).reverse()).toEqual([
      ["ana@example.com", "user.created", "uma@example.com", "ok", null],
      ["ana@example.com", "user.role_changed", "uma@example.com", "ok", null],
      ["ana@example.com", "user.disabled", "uma@example.com", "ok", null],
      ["ana@example.com", "user.enabled", "uma@example.com", "ok", null],
      ["ana@example.com", "user.password_reset", "uma@example.com", "ok", null],
      ["ana@example.com", "user.deleted", adminId, "refused", "forbidden"],
      ["uma@example.com", "user.password_changed", "uma@example.com", "refused", "invalid_input"],
      ["uma@example.com", "user.password_changed", "uma@example.com", "ok", null],
      ["ana@example.com", "user.deleted", "uma@example.com", "ok", null],
    ]);
    expect(entries.find((e) => e.action === "user.role_changed")?.detail).toBe("role admin");
  });
});

describe("GET /api/activity", () => {
  it("pages newest first with ?limit= and ?before=, every entry once", async () => {
    const all = (await activity("?limit=200")).entries;
    expect(all.length).toBeGreaterThan(10);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
    const seen: number[] = [];
    let before: number | null = null;
    let pages = 0;
    do {
      const page = await activity(`?limit=7${before ? `&before=${before}` : ""}`);
      expect(page.entries.length).toBeLessThanOrEqual(7);
      seen.push(...page.entries.map((e) => e.id));
      before = page.next_before;
      pages++;
    } while (before !== null);
    expect(seen).toEqual(all.map((e) => e.id));
    expect(pages).toBe(Math.ceil(all.length / 7));
    expect((await activity(`?limit=5&before=${all[4].id}`)).entries[0].id).toBe(all[5].id);
  });

  it("filters by a group, an action, who and the outcome", async () => {
    const keys = (await activity("?action=key&limit=200")).entries;
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((e) => e.action.startsWith("key."))).toBe(true);
    const revoked = (await activity("?action=key.revoked&outcome=ok")).entries;
    expect(revoked.map((e) => e.target)).toEqual(["console-made", "rack-7"]);
    expect((await activity("?actor=OPS")).entries.every((e) => e.actor === 'key "ops"')).toBe(true);
  });

  it("refuses a bad query with 400", async () => {
    for (const query of ["?limit=0", "?limit=1000", "?before=abc", "?action=model.exploded", "?outcome=maybe"]) {
      const res = await callJson("GET", `/api/activity${query}`, { key: adminKey });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe("invalid_input");
    }
  });

  it("is for admins only: 401 without a key, 403 for reader and node keys and a viewer's session", async () => {
    expect((await callJson("GET", "/api/activity")).status).toBe(401);
    const reader = await newKey("peek", "reader");
    const node = await newKey("peek-node", "node");
    expect((await callJson("GET", "/api/activity", { key: reader.key })).status).toBe(403);
    expect((await callJson("GET", "/api/activity", { key: node.key })).status).toBe(403);
    expect((await callJson("GET", "/api/activity", { headers: { cookie: viewerCookie } })).status).toBe(403);
    expect((await callJson("GET", "/api/activity", { headers: { cookie: adminCookie } })).status).toBe(200);
  });
});

describe("secrets", () => {
  it("never stores a password, a key or a key's hash in any row", async () => {
    const { db } = await getDb();
    const rows = await db.select().from(activityEntries);
    expect(rows.length).toBeGreaterThan(20);
    const stored = JSON.stringify(rows);
    for (const secret of secrets) expect(stored, "a secret was recorded").not.toContain(secret);
    // Not even a key's shown prefix (the first characters of its secret).
    for (const secret of secrets.filter((s) => s.startsWith("llmlb_")))
      expect(stored).not.toContain(secret.slice(0, 12));
  });
});
