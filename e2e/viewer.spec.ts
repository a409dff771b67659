import { expect, test } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { ModelsPage } from "./pages/models-page";
import { viewer } from "./support/accounts";

// The viewer is created through the Users page, as an admin would.
test.describe.configure({ mode: "serial" });

test("an admin adds a viewer on the Users page", async ({ adminPage, usersPage }) => {
  await usersPage.goto();
  await usersPage.add({ ...viewer, role: "viewer", name: "Vera Viewer" });
  await expect(usersPage.row(viewer.email)).toContainText("active");
  await expect(usersPage.row(viewer.email).getByLabel(`Role of ${viewer.email}`)).toHaveValue("viewer");
  await expect(adminPage.getByTestId("banner").first()).toContainText(`${viewer.email} can now sign in as viewer`);
});

test("a viewer sees the models but no controls, and a forged delete is refused", async ({
  browser,
  adminPage,
  adminApi,
  modelsPage,
  serverUrl,
}) => {
  for (const repo of ["acme/tiny-metal", "acme/sharded-safetensors"]) {
    expect([201, 409]).toContain((await adminApi.post("/api/models/register", { data: { repo } })).status());
  }
  // Record the request the admin's browser sends to delete one model…
  await modelsPage.goto();
  const dialog = await modelsPage.openDeleteDialog("hf/acme/tiny-metal");
  const [deleteCall] = await Promise.all([
    adminPage.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"])),
    dialog.getByRole("button", { name: "Delete model" }).click(),
  ]);
  await expect(modelsPage.row("hf/acme/tiny-metal")).toHaveCount(0);

  // …then, as the viewer, see everything but no controls…
  const viewerContext = await browser.newContext({ baseURL: serverUrl });
  const viewerPage = await viewerContext.newPage();
  const viewerModels = new ModelsPage(viewerPage);
  await new LoginPage(viewerPage).signIn(viewer);
  const target = "hf/acme/sharded-safetensors";
  await expect(viewerModels.row(target)).toBeVisible();
  await expect(viewerModels.input()).toHaveCount(0);
  await expect(viewerPage.getByRole("button", { name: /^Delete/ })).toHaveCount(0);
  await expect(viewerPage.getByRole("link", { name: "API keys" })).toHaveCount(0);
  await expect(viewerPage.getByRole("link", { name: "Users" })).toHaveCount(0);

  // …and replay the admin's delete action with the viewer's session, aimed at another model.
  const headers = { ...deleteCall.headers() };
  delete headers.cookie;
  const forged = await viewerPage.request.post(deleteCall.url(), {
    headers,
    data: (deleteCall.postData() ?? "").replace("hf/acme/tiny-metal", target),
  });
  expect(forged.status()).toBe(200);
  expect(await forged.text()).toContain("Only admins can do this");
  expect((await adminApi.get(`/v1/models/${target}`)).status()).toBe(200);

  // The JSON API treats the viewer's session as a reader: it can list, not delete.
  expect((await viewerPage.request.get("/api/nodes")).status()).toBe(200);
  const del = await viewerPage.request.delete(`/api/models/${target}`, { headers: { origin: serverUrl } });
  expect(del.status()).toBe(403);
  expect((await adminApi.get(`/v1/models/${target}`)).status()).toBe(200);
  await viewerContext.close();
});
