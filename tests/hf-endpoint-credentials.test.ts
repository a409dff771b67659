// A mirror's user name and password in HF_ENDPOINT (http://user:pass@host) are never
// logged nor returned: not at start, not by a Hub call, an error answer or its log line,
// not in the console's pages. (Download URLs in manifests: tests/api/listing.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeHub, startFakeHub } from "./fake-hub";
import { type RunningServer, startNextServer } from "./helpers/server";
import { createServerDatabase } from "./helpers/test-database";

const adminKey = "hf-endpoint-credentials-admin-key";
const email = "ops@example.com";
const adminPassword = "ops-password-123";
const mirrorUser = "mirror-user";
const mirrorPassword = "mirror-pass-s3cret";
let hub: FakeHub;
let server: RunningServer;
let cleanup: () => Promise<void> | void;

beforeAll(async () => {
  hub = await startFakeHub();
  const database = await createServerDatabase();
  cleanup = database.drop;
  const endpoint = new URL(hub.url);
  endpoint.username = mirrorUser;
  endpoint.password = mirrorPassword;
  server = await startNextServer({
    ...database.env,
    HF_ENDPOINT: endpoint.href,
    HF_TOKEN: undefined,
    LLMLB_ADMIN_KEY: adminKey,
    LLMLB_ADMIN_EMAIL: email,
    LLMLB_ADMIN_PASSWORD: adminPassword,
  });
});

afterAll(async () => {
  await server?.stop();
  await hub?.close();
  await cleanup?.();
});

/** A console session for the admin, through next-auth's credentials endpoint. */
async function signIn(): Promise<string> {
  const csrf = await fetch(`${server.url}/api/auth/csrf`);
  const { csrfToken } = await csrf.json();
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${server.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, email, password: adminPassword, callbackUrl: `${server.url}/models` }),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => /^authjs\.session-token=./.test(c));
  if (!session) throw new Error(`sign-in failed: ${res.status} ${res.headers.get("location")}`);
  return session;
}

describe("credentials in HF_ENDPOINT", () => {
  it("are neither logged nor returned, wherever the endpoint is shown", async () => {
    const res = await fetch(`${server.url}/api/models/register`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({ repo: "acme/tiny-llama-GGUF" }),
    });
    const answer = await res.text();
    expect(res.status).toBe(424);
    expect(JSON.parse(answer).error.code).toBe("hf_unavailable");
    expect(answer).toContain(new URL(hub.url).host);
    expect(answer).not.toContain(mirrorPassword);
    expect(answer).not.toContain(`${mirrorUser}:`);

    // The console links to the Hub from its pages.
    const page = await fetch(`${server.url}/models`, { headers: { cookie: await signIn() } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain(new URL(hub.url).host);
    expect(html).not.toContain(mirrorPassword);

    const start = server.logs
      .map((line) => JSON.parse(line.startsWith("{") ? line : "{}"))
      .find((e) => e.event === "server.start");
    expect(start.hf_endpoint).toBe(hub.url);
    const logs = server.logs.join("\n");
    expect(logs).toContain('"event":"hf.request"');
    expect(logs).toContain('"event":"api.error"');
    expect(logs).not.toContain(mirrorPassword);
    expect(logs).not.toContain(`${mirrorUser}:`);
  });
});
