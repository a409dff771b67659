import { expect, test } from "./fixtures";

// The models list filtered by state and format and sorted by size, all in the URL, so a
// filtered view survives a reload and can be shared.
const ready = "hf/acme/tiny-safetensors";
const metal = "hf/acme/metal-folder";

test("filter by state and format, sort by size, and keep the view in the URL", async ({
  adminApi,
  adminPage,
  announceNode,
  modelsPage,
}) => {
  for (const repo of ["acme/tiny-safetensors", "acme/metal-folder", "acme/unicode-gguf"]) {
    expect([201, 409]).toContain((await adminApi.post("/api/models/register", { data: { repo } })).status());
  }
  const node = await announceNode("filters-node");
  const states = [{ name: ready, state: "ready" as const, variant: "safetensors" }];
  await node.report(states);
  node.keepOnline(states);

  // A shared link opens the view it names.
  await adminPage.goto("/models?format=metal");
  await expect(modelsPage.row(metal)).toBeVisible();
  await expect(adminPage.getByRole("combobox", { name: "Format" })).toHaveValue("metal");
  for (const row of await modelsPage.rows().all()) await expect(row).toContainText("metal");
  await expect(modelsPage.row(ready)).toHaveCount(0);

  // Choosing a state narrows it further and writes it into the URL.
  await adminPage.getByRole("combobox", { name: "State" }).selectOption("ready");
  await expect(adminPage).toHaveURL(/\/models\?state=ready&format=metal$/);
  await expect(adminPage.getByText("No model matches these filters")).toBeVisible();

  await adminPage.getByRole("combobox", { name: "Format" }).selectOption("");
  await expect(adminPage).toHaveURL(/\/models\?state=ready$/);
  await expect(modelsPage.row(ready)).toBeVisible();
  const rows = modelsPage.rows();
  await expect(rows.locator('[data-testid="ready-badge"][data-ready="false"]')).toHaveCount(0);
  await expect(modelsPage.row(metal)).toHaveCount(0);

  // Largest first, after a reload too.
  await adminPage.getByRole("combobox", { name: "State" }).selectOption("");
  await adminPage.getByRole("combobox", { name: "Sort" }).selectOption("size-desc");
  await expect(adminPage).toHaveURL(/\/models\?sort=size-desc$/);
  await adminPage.reload();
  await expect(adminPage.getByRole("combobox", { name: "Sort" })).toHaveValue("size-desc");
  await expect(modelsPage.row(metal)).toBeVisible();
  const bytes = (text: string) => {
    const [n, unit] = text.trim().split(/\s+/);
    return Number(n) * ({ B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 }[unit ?? "B"] ?? 1);
  };
  const sizes = (await rows.locator('td[data-label="Size"]').allTextContents()).map(bytes);
  expect(sizes.length).toBeGreaterThan(2);
  expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
});
