// "A signed-in console session counts as its user's role" on the JSON API: the
// browser's live updates send next-auth's session cookie instead of a key.
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { revokeUserSessions } from "@/lib/db/queries/users";
import { ensureAuthSecret } from "@/lib/settings/auth-secret";
import { ensureFirstAdmin } from "@/lib/users/first-admin";
import { createUser, setUserDisabled } from "@/lib/users/manage-users";
import { checkSignIn } from "@/lib/users/verify-credentials";
import { adminKey, startHubForFile } from "../helpers/env";
import { callJson } from "../helpers/routes";

startHubForFile();

const cookieName = "authjs.session-token";
const origin = "http://localhost";

/** The cookie next-auth itself issues at sign-in (same encoder, secret and salt). */
async function sessionCookie(userId: string, signedInAt = Date.now()): Promise<string> {
  const token = await encode({
    token: { sub: userId, signedInAt },
    secret: process.env.AUTH_SECRET ?? "",
    salt: cookieName,
  });
  return `${cookieName}=${token}`;
}

let admin: string;
let viewer: string;

beforeAll(async () => {
  await ensureAuthSecret();
  const a = await createUser({ email: "admin@example.com", password: "admin-password-1", role: "admin" });
  const v = await createUser({ email: "viewer@example.com", password: "viewer-password-1", role: "viewer" });
  admin = await sessionCookie(a.id);
  viewer = await sessionCookie(v.id);
  await callJson("POST", "/api/models/register", { key: adminKey, json: { repo: "acme/tiny-onnx" } });
});

describe("console sessions on the JSON API", () => {
  it("lets a viewer read the listings and nodes but change nothing", async () => {
    const headers = { cookie: viewer, origin, host: "localhost" };
    expect((await callJson("GET", "/v1/models", { headers })).status).toBe(200);
    expect((await callJson("GET", "/api/models", { headers })).status).toBe(200);
    expect((await callJson("GET", "/api/nodes", { headers })).status).toBe(200);
    // The narrower forms the nodes and model pages poll.
    expect((await callJson("GET", "/api/nodes?summary=true", { headers })).status).toBe(200);
    expect((await callJson("GET", "/api/nodes?model=hf%2Facme%2Ftiny-onnx", { headers })).status).toBe(200);
    const keys = await callJson("GET", "/api/keys", { headers });
    expect(keys.status).toBe(403);
    expect(keys.body.error.message).toContain("signed in as a viewer");
    expect((await callJson("DELETE", "/api/models/hf/acme/tiny-onnx", { headers })).status).toBe(403);
  });

  it("lets an admin change things, but only from the console's own origin", async () => {
    const json = { repo: "acme/tiny-metal" };
    const elsewhere = await callJson("POST", "/api/models/register", {
      json,
      headers: { cookie: admin, origin: "https://evil.example", host: "localhost" },
    });
    expect(elsewhere.status).toBe(403);
    const noOrigin = await callJson("POST", "/api/models/register", { json, headers: { cookie: admin } });
    expect(noOrigin.status).toBe(403);
    const ok = await callJson("POST", "/api/models/register", {
      json,
      headers: { cookie: admin, origin, host: "localhost" },
    });
    expect(ok.status).toBe(201);
    expect((await callJson("GET", "/api/keys", { headers: { cookie: admin } })).status).toBe(200);
  });

  it("refuses a disabled user's session and ignores cookies that are not sessions", async () => {
    const user = await createUser({ email: "gone@example.com", password: "gone-password-1", role: "admin" });
    const cookie = await sessionCookie(user.id);
    expect((await callJson("GET", "/v1/models", { headers: { cookie } })).status).toBe(200);
    await setUserDisabled({ id: user.id, disabled: true });
    const refused = await callJson("GET", "/v1/models", { headers: { cookie } });
    expect(refused.status).toBe(401);
    expect(refused.body.error.type).toBe("authentication_error");

    for (const junk of [`${cookieName}=not-a-jwt`, "theme=dark", `${cookieName}=`]) {
      const res = await callJson("GET", "/api/models", { headers: { cookie: junk } });
      expect(res.status, junk).toBe(401);
      expect(res.body.error.message).toContain("Missing API key");
    }
  });

  it("refuses a session from before the user signed out, even if its cookie comes back", async () => {
    const user = await createUser({ email: "leaver@example.com", password: "leaver-password-1", role: "viewer" });
    const before = await sessionCookie(user.id, Date.now() - 1_000);
    expect((await callJson("GET", "/v1/models", { headers: { cookie: before } })).status).toBe(200);
    await revokeUserSessions({ id: user.id });
    expect((await callJson("GET", "/v1/models", { headers: { cookie: before } })).status).toBe(401);
    const after = await sessionCookie(user.id, Date.now() + 1);
    expect((await callJson("GET", "/v1/models", { headers: { cookie: after } })).status).toBe(200);
  });

  it("ends every earlier session when a restart takes a new admin password from the environment", async () => {
    const env = { email: "root@example.com", password: "root-password-1" };
    await ensureFirstAdmin(env);
    const signedIn = await checkSignIn(env);
    if (!signedIn.ok) throw new Error(`sign-in refused: ${signedIn.reason}`);
    const before = await sessionCookie(signedIn.id);
    expect((await callJson("GET", "/api/keys", { headers: { cookie: before } })).status).toBe(200);
    // What a restart with LLMLB_ADMIN_PASSWORD changed does.
    await ensureFirstAdmin({ ...env, password: "root-password-2" });
    expect((await callJson("GET", "/api/keys", { headers: { cookie: before } })).status).toBe(401);
    expect(await checkSignIn(env)).toMatchObject({ ok: false });
    const again = await checkSignIn({ ...env, password: "root-password-2" });
    if (!again.ok) throw new Error(`sign-in refused: ${again.reason}`);
    const after = await sessionCookie(again.id);
    expect((await callJson("GET", "/api/keys", { headers: { cookie: after } })).status).toBe(200);
    // The same password on the next restart leaves sessions alone.
    await ensureFirstAdmin({ ...env, password: "root-password-2" });
    expect((await callJson("GET", "/api/keys", { headers: { cookie: after } })).status).toBe(200);
  });

  it("does not bring a disabled user's sessions back when the user is enabled again", async () => {
    const account = { email: "paused@example.com", password: "paused-password-1" };
    const user = await createUser({ ...account, role: "viewer" });
    const before = await sessionCookie(user.id);
    expect((await callJson("GET", "/v1/models", { headers: { cookie: before } })).status).toBe(200);
    await setUserDisabled({ id: user.id, disabled: true });
    await setUserDisabled({ id: user.id, disabled: false });
    expect((await callJson("GET", "/v1/models", { headers: { cookie: before } })).status).toBe(401);
    const again = await checkSignIn(account);
    if (!again.ok) throw new Error(`sign-in refused: ${again.reason}`);
    const after = await sessionCookie(again.id);
    expect((await callJson("GET", "/v1/models", { headers: { cookie: after } })).status).toBe(200);
  });

  it("lets a Bearer key decide when both are sent", async () => {
    const res = await callJson("GET", "/api/keys", {
      key: "llmlb_revoked-or-never-issued",
      headers: { cookie: admin },
    });
    expect(res.status).toBe(401);
  });
});
