import type { Locator } from "@playwright/test";
import { expect, test } from "./fixtures";

// A node that cannot run a model is in a normal state, said calmly and once; an address
// that leads nowhere gets the console's own page, whatever kind of address it is.
const name = "hf/acme/tiny-metal";
const unsupported = "no complete variant in a format this node loads (gguf); the model offers metal";
const tooLarge =
  "does not fit this node: its smallest variant metal needs 9.1 GB at 8K context; this node has 8.0 GB of memory";

test.beforeAll(async ({ adminApi }) => {
  const res = await adminApi.post("/api/models/register", { data: { repo: "acme/tiny-metal" } });
  expect([201, 409]).toContain(res.status());
});

const color = (l: Locator) => l.evaluate((el) => getComputedStyle(el).color);

test("unsupported and too large read as neutral states with one short reason; errors stay red", async ({
  adminPage,
  announceNode,
}) => {
  const cannotLoad = await announceNode("calm-cannot-load");
  const small = await announceNode("calm-small", { gpus: [], memory_bytes: 8e9 });
  const failing = await announceNode("calm-failing");
  await cannotLoad.report([{ name, state: "unsupported", error: { code: "unsupported", message: unsupported } }]);
  await small.report([{ name, state: "unsupported", error: { code: "too_large", message: tooLarge } }]);
  await failing.report([{ name, state: "error", error: { code: "disk_full", message: "needs 2.1 MB, 0 B free" } }]);

  // The model page: every node's row.
  await adminPage.goto(`/models/${name}`);
  const row = (node: string) => adminPage.locator(`[data-testid="node-state-row"][data-node="${node}"]`);
  const reason = (node: string) => row(node).getByTestId("state-reason");
  // The reason alone: not "unsupported: …" under a state that already says unsupported.
  await expect(reason("calm-cannot-load")).toHaveText(unsupported);
  await expect(reason("calm-small")).toHaveText(tooLarge);
  await expect(reason("calm-failing")).toHaveText("disk_full: needs 2.1 MB, 0 B free");
  const errorRed = await color(reason("calm-failing"));
  const neutral = await color(row("calm-cannot-load").getByText("unsupported", { exact: true }));
  expect(await color(reason("calm-cannot-load"))).toBe(neutral);
  expect(await color(reason("calm-small"))).toBe(neutral);
  expect(neutral).not.toBe(errorRed);

  // The node's page says it the same way.
  await adminPage.goto(`/nodes/${small.id}`);
  const nodeRow = adminPage.locator(`[data-testid="node-model-row"][data-model="${name}"]`);
  await expect(nodeRow.getByTestId("state-reason")).toHaveText(tooLarge);
  expect(await color(nodeRow.getByTestId("state-reason"))).toBe(neutral);
});

test("an unknown path, model or node gets the console's not-found page, with its navigation", async ({ adminPage }) => {
  const nav = adminPage.getByRole("navigation", { name: "Console" });
  const pages = [
    { path: "/no-such-page", says: "Nothing is registered under this address" },
    { path: "/models/hf/acme/never-registered", says: "Nothing is registered under this address" },
    { path: "/nodes/00000000-0000-0000-0000-000000000000", says: "No node has this id" },
  ];
  for (const { path, says } of pages) {
    const res = await adminPage.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(adminPage.getByRole("heading", { level: 1 }), path).toHaveText(/not found$/i);
    await expect(adminPage.getByTestId("not-found"), path).toContainText(says);
    await expect(nav, path).toBeVisible();
    // Not Next's bare page.
    await expect(adminPage.getByText("This page could not be found"), path).toHaveCount(0);
  }
  await adminPage.goto("/no-such-page");
  await adminPage.getByTestId("not-found").getByRole("link", { name: "models" }).click();
  await expect(adminPage).toHaveURL(/\/models$/);
});

test("signed out, an unknown address outside the console still gets the styled page", async ({ page }) => {
  const res = await page.goto("/login/no-such-page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await page.getByTestId("not-found").getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/login/);
});
