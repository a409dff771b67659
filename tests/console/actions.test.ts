// Server actions re-check the signed-in user's role themselves: called directly
// (as a forged request would), a viewer's call is refused and changes nothing.
// Only where the session comes from is replaced here (next-auth reads it from the
// request cookies, which exist only inside Next); the e2e suite forges a real
// action request with a real session cookie.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createKeyFromConsole } from "@/app/(console)/keys/actions";
import { deleteFromConsole, previewRegistration, registerFromConsole } from "@/app/(console)/models/actions";
import { forgetNodeFromConsole } from "@/app/(console)/nodes/actions";
import { changeUserFromConsole } from "@/app/(console)/users/actions";
import { listApiKeys } from "@/lib/auth/api-keys";
import { expireModelInfoCache } from "@/lib/hf/metadata-cache";
import { createUser, setUserDisabled } from "@/lib/users/manage-users";
import { adminKey, startHubForFile } from "../helpers/env";
import { callJson } from "../helpers/routes";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/lib/auth/auth", () => ({
  auth: async () => (session.userId ? { user: { id: session.userId }, expires: "" } : null),
  signIn: async () => {},
  signOut: async () => {},
}));

const hub = startHubForFile();
const name = "hf/acme/tiny-onnx";
let adminId: string;
let viewerId: string;

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};
const listedNames = async () =>
  (await callJson("GET", "/v1/models", { key: adminKey })).body.data.map((m: { id: string }) => m.id);

beforeAll(async () => {
  adminId = (await createUser({ email: "admin@example.com", password: "admin-password-1", role: "admin" })).id;
  viewerId = (await createUser({ email: "viewer@example.com", password: "viewer-password-1", role: "viewer" })).id;
  expect(
    (await callJson("POST", "/api/models/register", { key: adminKey, json: { repo: "acme/tiny-onnx" } })).status,
  ).toBe(201);
});

describe("server actions called by a viewer", () => {
  it("refuse every change and leave everything as it was", async () => {
    session.userId = viewerId;
    hub().clearRequests();
    const refused = { ok: false, error: expect.stringContaining("Only admins") };
    expect(await deleteFromConsole(name)).toMatchObject(refused);
    expect(await previewRegistration(null, form({ repo: "acme/tiny-metal" }))).toMatchObject(refused);
    expect(await registerFromConsole(null, form({ repo: "acme/tiny-metal" }))).toMatchObject(refused);
    expect(await createKeyFromConsole(null, form({ name: "sneaky", scope: "admin" }))).toMatchObject(refused);
    expect(await forgetNodeFromConsole("00000000-0000-4000-8000-000000000000")).toMatchObject(refused);
    expect(await changeUserFromConsole({ change: "role", id: viewerId, role: "admin" })).toMatchObject(refused);

    expect(await listedNames()).toEqual([name]);
    expect(await listApiKeys()).toHaveLength(0);
    // Refused before any work: not even a Hub lookup.
    expect(hub().requests).toHaveLength(0);
  });
});

describe("server actions called by an admin", () => {
  it("preview without storing, register, refuse a duplicate, and delete", async () => {
    session.userId = adminId;
    const preview = await previewRegistration(null, form({ repo: "acme/tiny-metal" }));
    expect(preview).toMatchObject({
      ok: true,
      plan: { name: "hf/acme/tiny-metal", commit: expect.stringMatching(/^[0-9a-f]{40}$/) },
    });
    expect(await listedNames()).toEqual([name]);

    expect(await registerFromConsole(null, form({ repo: "acme/tiny-metal" }))).toMatchObject({
      ok: true,
      name: "hf/acme/tiny-metal",
    });
    expect(await previewRegistration(null, form({ repo: "acme/tiny-metal" }))).toMatchObject({
      ok: false,
      code: "model_exists",
      name: "hf/acme/tiny-metal",
    });
    expect(await registerFromConsole(null, form({ repo: "acme/nope-nothing" }))).toMatchObject({
      ok: false,
      code: "hf_repo_not_found",
      error: expect.stringContaining("not found, or private"),
    });
    expect(await deleteFromConsole(name)).toEqual({ ok: true });
    expect(await listedNames()).toEqual(["hf/acme/tiny-metal"]);
  });

  it("say when the preview comes from stale Hub data", async () => {
    session.userId = adminId;
    const fresh = await previewRegistration(null, form({ repo: "acme/tiny-safetensors" }));
    expect(fresh).toMatchObject({ ok: true, plan: { stale: false } });
    expireModelInfoCache();
    hub().setOutage("down");
    try {
      const stale = await previewRegistration(null, form({ repo: "acme/tiny-safetensors" }));
      expect(stale).toMatchObject({ ok: true, plan: { stale: true } });
      expect(stale.ok && stale.plan.warnings.join(" ")).toContain("may be out of date");
    } finally {
      hub().setOutage(null);
    }
  });

  it("refuse an admin's change to their own role or account", async () => {
    session.userId = adminId;
    expect(await changeUserFromConsole({ change: "role", id: adminId, role: "viewer" })).toMatchObject({
      ok: false,
      error: expect.stringContaining("your own role"),
    });
    expect(await changeUserFromConsole({ change: "disabled", id: adminId, disabled: true })).toMatchObject({
      ok: false,
    });
  });

  it("are refused once the admin is signed out or disabled", async () => {
    session.userId = null;
    expect(await deleteFromConsole("hf/acme/tiny-metal")).toMatchObject({
      ok: false,
      error: expect.stringContaining("sign in again"),
    });
    const other = await createUser({ email: "other@example.com", password: "other-password-1", role: "admin" });
    await setUserDisabled({ id: other.id, disabled: true });
    session.userId = other.id;
    expect(await deleteFromConsole("hf/acme/tiny-metal")).toMatchObject({ ok: false });
    expect(await listedNames()).toEqual(["hf/acme/tiny-metal"]);
  });
});
