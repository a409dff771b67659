import { expect, test } from "./fixtures";
import { ActivityPage } from "./pages/activity-page";
import { LoginPage } from "./pages/login-page";
import { admin } from "./support/accounts";

const activityViewer = { email: "activity-viewer@example.com", password: "activity-viewer-password-42" };

test("an admin's changes, refused ones too, appear on the Activity page and filter by action, who and outcome", async ({
  adminPage,
  adminApi,
  keysPage,
  usersPage,
}) => {
  const activity = new ActivityPage(adminPage);
  // In the console: a key created and revoked, a viewer added.
  await keysPage.goto();
  const key = await keysPage.create("activity-dashboard", "reader");
  await keysPage.revoke("activity-dashboard");
  await usersPage.goto();
  await usersPage.add({ ...activityViewer, role: "viewer" });
  // Through the API with the bootstrap key: a model registered, and a delete refused.
  expect((await adminApi.post("/api/models/register", { data: { repo: "acme/tiny-onnx" } })).status()).toBe(201);
  expect((await adminApi.delete("/api/models/hf/acme/not-registered")).status()).toBe(404);

  // The nav link beside Users opens the log, newest first.
  await adminPage
    .getByRole("navigation", { name: "Console" })
    .getByRole("link", { name: "Activity", exact: true })
    .click();
  await expect(adminPage).toHaveURL(/\/activity$/);
  await expect(activity.row("Model deleted", "hf/acme/not-registered")).toContainText("refused: model_not_found");
  await expect(activity.row("Model registered", "hf/acme/tiny-onnx")).toContainText("LLMLB_ADMIN_KEY");
  await expect(activity.row("Key created", "activity-dashboard")).toContainText(admin.email);
  await expect(activity.row("Key revoked", "activity-dashboard")).toContainText("ok");
  await expect(activity.row("User added", activityViewer.email)).toContainText(admin.email);
  await expect(adminPage.getByText(key)).toHaveCount(0);

  // Only key creations: the one made above, by the admin.
  await activity.filter({ action: "Key created", actor: admin.email });
  await expect(adminPage).toHaveURL(/action=key\.created/);
  await expect(activity.row("Key created", "activity-dashboard")).toHaveCount(1);
  await expect(activity.rows().getByTestId("activity-action")).toHaveText(
    Array(await activity.rows().count()).fill("Key created"),
  );
  // The view lives in the URL: it survives a reload.
  await adminPage.reload();
  await expect(adminPage.getByLabel("Action", { exact: true })).toHaveValue("key.created");
  await expect(activity.row("Key revoked", "activity-dashboard")).toHaveCount(0);

  // Every refused change, whoever made it: the refused delete, no successful registration.
  await activity.filter({ outcome: "refused" });
  await expect(activity.row("Model deleted", "hf/acme/not-registered")).toBeVisible();
  await expect(activity.row("Model registered", "hf/acme/tiny-onnx")).toHaveCount(0);

  // Sign-ins are there as well: the admin's own.
  await activity.filter({ action: "All sign-ins", actor: admin.email });
  await expect(activity.rows().first()).toContainText("Sign-in");
});

test("a viewer has no Activity link, and the page and the API refuse them", async ({ browser, serverUrl }) => {
  const context = await browser.newContext({ baseURL: serverUrl });
  const page = await context.newPage();
  await new LoginPage(page).signIn(activityViewer);
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav.getByRole("link", { name: "Models", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Activity", exact: true })).toHaveCount(0);
  await page.goto("/activity");
  await expect(page.getByText("Only admins manage the activity log")).toBeVisible();
  await expect(page.getByTestId("activity-row")).toHaveCount(0);
  expect((await page.request.get("/api/activity")).status()).toBe(403);
  await context.close();
});
