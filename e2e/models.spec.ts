import { expect, hubUrl, test } from "./fixtures";

// One story, in order: register → nodes sync it → duplicates and Hub errors → delete.
test.describe.configure({ mode: "serial" });

const name = "hf/acme/tiny-llama-GGUF";

test("registering a repo URL shows the preview, a lasting banner and a not-ready row", async ({
  adminPage,
  modelsPage,
}) => {
  await expect(adminPage.getByText("No models registered yet")).toBeVisible();
  await modelsPage.check(`${hubUrl()}/acme/tiny-llama-GGUF`);
  const preview = modelsPage.preview();
  await expect(preview).toBeVisible();
  await expect(preview.getByRole("heading", { name })).toBeVisible();
  await expect(preview.getByRole("link", { name: /^[0-9a-f]{12}$/ })).toBeVisible();
  for (const variant of ["gguf:Q4_K_M", "gguf:Q8_0", "gguf:F16"]) {
    await expect(preview.getByRole("cell", { name: variant, exact: true })).toBeVisible();
  }
  await expect(preview.getByTestId("preview-total")).toHaveText(/\d+(\.\d)? (KB|MB)/);
  // The total counts the projector too, which is in no variant: the preview lists it and says so.
  await expect(preview.getByTestId("preview-total-note")).toHaveText(
    "every variant and auxiliary file; a node downloads one variant",
  );
  await expect(preview.getByTestId("preview-aux-file")).toHaveText(/mmproj-tiny-llama-f16\.gguf\s*120\.0 KB/);
  // Nothing is stored before the person confirms.
  await expect(modelsPage.rows()).toHaveCount(0);

  await modelsPage.confirmRegistration();
  const banner = modelsPage.banners().filter({ hasText: `Registered ${name}` });
  await expect(banner).toBeVisible();
  await expect(modelsPage.readyBadge(name)).toHaveText("Not ready");
  await expect(modelsPage.readyBadge(name)).toHaveAttribute("data-ready", "false");
  await expect(modelsPage.row(name)).toContainText("acme/tiny-llama-GGUF");
  await expect(modelsPage.row(name)).toContainText("gguf");

  // Banners never leave on their own: still there after 4 s, gone after ×.
  await adminPage.waitForTimeout(4_500);
  await expect(banner).toBeVisible();
  await banner.getByRole("button", { name: "Dismiss" }).click();
  await expect(banner).toHaveCount(0);
});

test("node reports show one progress bar, then turn the badge ready, without a reload", async ({
  adminPage,
  modelsPage,
  announceNode,
}) => {
  await modelsPage.markDocument();
  const node = await announceNode("gpu-node-1");
  await node.report([{ name, state: "downloading", bytes_done: 450_000, bytes_total: 900_000 }]);
  const summary = modelsPage.row(name).getByTestId("sync-summary");
  const bar = summary.getByRole("progressbar");
  await expect(bar).toHaveAttribute("aria-valuenow", "50");
  await expect(summary.getByTestId("count-downloading")).toHaveText("1 downloading");
  await expect(modelsPage.readyBadge(name)).toHaveText("Syncing");

  await node.report([{ name, state: "ready", variant: "gguf:Q4_K_M" }]);
  await expect(modelsPage.readyBadge(name)).toHaveText("Ready");
  await expect(modelsPage.readyBadge(name)).toHaveAttribute("data-ready", "true");
  await expect(summary.getByTestId("nodes-ready")).toHaveText("1 of 1 node ready");
  await expect(summary.getByRole("progressbar")).toHaveCount(0);
  expect(await modelsPage.isSameDocument()).toBe(true);
  await expect(adminPage).toHaveURL(/\/models$/);
});

test("a duplicate says it already exists and links to it", async ({ adminPage, modelsPage }) => {
  await modelsPage.check("acme/tiny-llama-GGUF");
  const banner = modelsPage.banners().filter({ hasText: "Already registered" });
  await expect(banner).toContainText(`${name} already exists`);
  await expect(modelsPage.preview()).toHaveCount(0);
  await banner.getByRole("link", { name: "Open the existing model" }).click();
  await expect(adminPage).toHaveURL(/\/models\/hf\/acme\/tiny-llama-GGUF$/);
});

test("a repository the Hub does not have gets the Hub's specific reason", async ({ adminPage, modelsPage }) => {
  await modelsPage.check("acme/does-not-exist");
  const banner = modelsPage.banners().filter({ hasText: "Hugging Face could not provide “acme/does-not-exist”" });
  await expect(banner).toContainText("not found, or private");
  await expect(banner).toContainText("HF_TOKEN");
  await modelsPage.check("https://example.com/acme/tiny-onnx");
  await expect(modelsPage.banners().first()).toContainText("Could not register “https://example.com/acme/tiny-onnx”");
  await expect(adminPage.getByTestId("model-row")).toHaveCount(1);
});

test("search narrows the list by name", async ({ adminPage, modelsPage, adminApi }) => {
  const res = await adminApi.post("/api/models/register", { data: { repo: "acme/tiny-safetensors" } });
  expect(res.status()).toBe(201);
  await expect(modelsPage.rows()).toHaveCount(2);
  await modelsPage.search().fill("safetensors");
  await expect(modelsPage.rows()).toHaveCount(1);
  await expect(modelsPage.row("hf/acme/tiny-safetensors")).toBeVisible();
  await modelsPage.search().fill("nothing-like-this");
  await expect(adminPage.getByText("No model matches")).toBeVisible();
  await modelsPage.search().fill("");
  await expect(modelsPage.rows()).toHaveCount(2);
});

test("delete asks first (Esc cancels) and the row disappears at once", async ({ adminPage, modelsPage, adminApi }) => {
  const target = "hf/acme/tiny-safetensors";
  await expect(adminPage).toHaveURL(/\/models$/);
  let dialog = await modelsPage.openDeleteDialog(target);
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await modelsPage.page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(modelsPage.row(target)).toBeVisible();

  dialog = await modelsPage.openDeleteDialog(target);
  await dialog.getByRole("button", { name: "Delete model" }).click();
  await expect(modelsPage.row(target)).toHaveCount(0);
  await expect(modelsPage.banners().filter({ hasText: `Deleted ${target}` })).toBeVisible();
  const listing = await (await adminApi.get("/v1/models")).json();
  expect(listing.data.map((m: { id: string }) => m.id)).toEqual([name]);
});
