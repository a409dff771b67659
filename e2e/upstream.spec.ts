import { expect, hubUrl, test } from "./fixtures";

// Following upstream in the console (docs/upstream.md): "Check for updates" on the model
// page says up to date; after a push on the hub and a check made through the API, the open
// page shows the update with its diff and history without a reload; the models list
// carries the badge; the follow policy "off" turns the checks off.
const repo = "acme/metal-folder";
const name = `hf/${repo}`;

test.beforeAll(async ({ adminApi }) => {
  const res = await adminApi.post("/api/models/register", { data: { repo } });
  expect([201, 409]).toContain(res.status());
});

test("an admin checks for updates, sees what changed upstream, and stops following", async ({
  adminPage,
  adminApi,
}) => {
  await adminPage.goto(`/models/${name}`);
  const state = adminPage.getByTestId("upstream-state");
  await expect(state).toHaveText("Not checked yet");
  const check = adminPage.getByRole("button", { name: "Check for updates" });
  await check.click();
  await expect(state).toHaveText("Up to date");
  await expect(adminPage.getByRole("status")).toContainText("Checked main on Hugging Face.");

  // Upstream re-exports the weights (bigger) and fixes the tokenizer.
  const pushed = await fetch(`${hubUrl()}/_test/push/${repo}`, {
    method: "POST",
    body: JSON.stringify({
      write: [
        { path: "metal/model.bin", kind: "binary", size: 250000, lfs: true, seed: "re-exported" },
        { path: "tokenizer.json", kind: "text", content: '{"version":"fixed"}' },
      ],
    }),
  });
  const { commit } = (await pushed.json()) as { commit: string };
  // Checked elsewhere (a script, the periodic pass): the open page follows without a reload.
  expect((await adminApi.post(`/api/models/${name}/check`)).status()).toBe(200);
  await expect(state).toHaveText("Update available", { timeout: 20_000 });
  await expect(adminPage.getByText(`moved to ${commit.slice(0, 7)}`)).toBeVisible();
  const diff = adminPage.getByTestId("upstream-diff");
  await expect(diff.getByTestId("diff-variant-row")).toHaveCount(1);
  await expect(diff.getByTestId("diff-variant-row")).toContainText(/metal\s*changed\s*250\.[0-9] KB/);
  const files = diff.getByTestId("diff-file-row");
  await expect(files).toHaveCount(2);
  await expect(files.filter({ hasText: "metal/model.bin" })).toContainText("240.0 KB → 250.0 KB");
  await expect(files.filter({ hasText: "tokenizer.json" })).toContainText("changed");
  // The pinned commit keeps serving.
  const detail = await (await adminApi.get(`/api/models/${name}`)).json();
  expect(detail.commit).not.toBe(commit);
  await expect(adminPage.getByTestId("commit-link")).toHaveText(detail.commit);
  await expect(adminPage.getByTestId("model-history")).toContainText("upstream moved");
  await expect(adminPage.getByTestId("model-history")).toContainText("by LLMLB_ADMIN_KEY");

  await adminPage.goto("/models");
  const row = adminPage.locator(`[data-testid="model-row"][data-model="${name}"]`);
  await expect(row).toContainText("Update available");

  await adminPage.goto(`/models/${name}`);
  await adminPage.getByLabel("Follow policy").selectOption("off");
  await expect(state).toHaveText("Not followed");
  await expect(adminPage.getByRole("status")).toHaveText("No longer checked upstream.");
  // Not followed: not checked either, until followed again.
  await expect(adminPage.getByRole("button", { name: "Check for updates" })).toHaveCount(0);
  await expect(adminPage.getByTestId("model-history")).toContainText("manual → off");
  await expect(adminPage.getByTestId("model-history")).toContainText("by admin@example.com");
});
