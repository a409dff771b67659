import { expect, test } from "./fixtures";

// The register form shows the answer to its latest submission, naming what was submitted;
// a good preview is not buried under the errors of earlier inputs.
test("four bad inputs, then a good one: one message at a time, each naming its input, then the preview alone", async ({
  adminPage,
  modelsPage,
}) => {
  await modelsPage.goto();
  const bad = ["acme/does-not-exist", "https://example.com/acme/tiny-onnx", "acme/no-weights", "not a model!"];
  for (const input of bad) {
    await modelsPage.check(input);
    const shown = modelsPage.banners();
    await expect(shown).toHaveCount(1);
    await expect(shown).toContainText(`“${input}”`);
    await expect(shown).toHaveAttribute("data-tone", "error");
  }
  await modelsPage.check("acme/sixty-quants-GGUF");
  await expect(modelsPage.preview()).toBeVisible();
  // The earlier errors were about other inputs: gone, not stacked above the preview.
  await expect(modelsPage.banners()).toHaveCount(0);
  await expect(adminPage.getByTestId("banner-earlier")).toHaveCount(0);
});

test("results of other actions fold into a dismissible history under the newest", async ({
  adminApi,
  adminPage,
  modelsPage,
}) => {
  expect([201, 409]).toContain(
    (await adminApi.post("/api/models/register", { data: { repo: "acme/tiny-metal" } })).status(),
  );
  await modelsPage.goto();
  await modelsPage.check("acme/does-not-exist");
  await expect(modelsPage.banners()).toContainText("“acme/does-not-exist”");
  const dialog = await modelsPage.openDeleteDialog("hf/acme/tiny-metal");
  await dialog.getByRole("button", { name: "Delete model" }).click();
  // The newest result shown whole; the earlier one folded, and it can be cleared.
  await expect(modelsPage.banners()).toHaveCount(1);
  await expect(modelsPage.banners()).toContainText("Deleted hf/acme/tiny-metal");
  const history = adminPage.getByTestId("banner-history");
  await expect(history).toContainText("Earlier messages (1)");
  await history.locator("summary").click();
  await expect(adminPage.getByTestId("banner-earlier")).toContainText("“acme/does-not-exist”");
  await history.getByRole("button", { name: "Clear all" }).click();
  await expect(history).toHaveCount(0);
  await expect(modelsPage.banners()).toHaveCount(1);
});
