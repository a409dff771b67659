import { expect, test } from "./fixtures";

test("an API key is shown once, works against /v1/models, and stops working when revoked", async ({
  adminPage,
  keysPage,
  playwright,
  serverUrl,
  context,
}) => {
  await keysPage.goto();
  const key = await keysPage.create("grafana-dashboard", "reader");
  expect(key).toMatch(/^llmlb_[A-Za-z0-9_-]{20,}$/);
  await expect(keysPage.row("grafana-dashboard")).toContainText("reader");
  await expect(keysPage.row("grafana-dashboard")).toContainText("never");

  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await adminPage.getByRole("button", { name: "Copy key" }).click();
  expect(await adminPage.evaluate(() => navigator.clipboard.readText())).toBe(key);

  // A separate client with only the key: no console session involved.
  const client = await playwright.request.newContext({
    baseURL: serverUrl,
    extraHTTPHeaders: { authorization: `Bearer ${key}` },
  });
  const listing = await client.get("/v1/models");
  expect(listing.status()).toBe(200);
  expect((await listing.json()).object).toBe("list");
  expect((await client.post("/api/models/register", { data: { repo: "acme/tiny-metal" } })).status()).toBe(403);

  // Shown once: after a reload only its prefix remains, and its use is recorded.
  await adminPage.reload();
  await expect(keysPage.newKey()).toHaveCount(0);
  await expect(adminPage.getByText(key)).toHaveCount(0);
  await expect(keysPage.row("grafana-dashboard")).toContainText(`${key.slice(0, 12)}…`);
  await expect(keysPage.row("grafana-dashboard")).toContainText(/\d+ s ago.*\d+ s ago/);

  await keysPage.revoke("grafana-dashboard");
  expect((await client.get("/v1/models")).status()).toBe(401);
  await client.dispose();
});
