import { expect, hubUrl, test } from "./fixtures";

// A staged update in the console (docs/upstream.md): update available → the diff → Update →
// each node's progress beside what it serves → Promote (with the warning while a node lacks
// it) → the previous commit kept → Roll back. The node speaks the real node API.
const repo = "openai-community/gpt2";
const name = `hf/${repo}`;

test.afterAll(async ({ adminApi }) => {
  await adminApi.delete(`/api/models/${name}`);
});

test("an admin stages an upstream change, watches the node get it, promotes it and rolls back", async ({
  adminPage: page,
  adminApi,
  announceNode,
}) => {
  const registered = await adminApi.post("/api/models/register", { data: { repo } });
  expect(registered.status()).toBe(201);
  const old: string = (await registered.json()).model.commit;
  const node = await announceNode("rollout-node");
  await node.report([{ name, commit: old, state: "ready", variant: "safetensors" }]);

  // Upstream fixes the tokenizer and re-exports the weights.
  const pushed = await fetch(`${hubUrl()}/_test/push/${repo}`, {
    method: "POST",
    body: JSON.stringify({
      write: [
        { path: "tokenizer.json", kind: "text", content: '{"version":"fixed"}' },
        { path: "model.safetensors", kind: "binary", size: 160000, lfs: true, seed: "re-exported" },
      ],
    }),
  });
  const head = ((await pushed.json()) as { commit: string }).commit;
  expect((await adminApi.post(`/api/models/${name}/check`)).status()).toBe(200);

  await page.goto(`/models/${name}`);
  await expect(page.getByTestId("upstream-state")).toHaveText("Update available");
  const diff = page.getByTestId("upstream-diff");
  await expect(diff.getByTestId("diff-file-row").filter({ hasText: "model.safetensors" })).toContainText(
    "150.0 KB → 160.0 KB",
  );
  await page.getByRole("button", { name: `Update to ${head.slice(0, 7)}` }).click();

  const rollout = page.getByTestId("rollout");
  await expect(rollout.getByRole("heading", { name: `Staged: ${head.slice(0, 7)}` })).toBeVisible();
  await expect(page.getByTestId("rollout-summary")).toContainText("Ready on 0 of 1 serving nodes");
  const row = rollout.locator('[data-testid="rollout-node"][data-node="rollout-node"]');
  await expect(row).toContainText("ready");
  await expect(row).toContainText("a promotion waits for it");

  // Promote before the node has it: the console says which node would stop serving.
  await rollout.getByRole("button", { name: "Promote" }).click();
  const warning = page.getByRole("dialog");
  await expect(warning).toContainText("Not ready on rollout-node");
  await warning.getByRole("button", { name: "Cancel" }).click();
  await expect(warning).toBeHidden();

  // The node downloads the candidate beside the commit it serves; the page follows.
  await node.report([
    { name, commit: old, state: "ready", variant: "safetensors" },
    { name, commit: head, state: "downloading", variant: "safetensors", bytes_done: 80_000, bytes_total: 160_000 },
  ]);
  await expect(row.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "50");
  await expect(row).toContainText("80.0 KB / 160.0 KB");
  await node.report([
    { name, commit: old, state: "ready", variant: "safetensors" },
    { name, commit: head, state: "ready", variant: "safetensors" },
  ]);
  await expect(page.getByTestId("rollout-summary")).toContainText("Ready on every serving node (1 of 1)");
  await expect(row).not.toContainText("a promotion waits for it");
  // Served throughout: the OpenAI listing still says ready on the old commit.
  expect(await (await adminApi.get(`/v1/models/${name}`)).json()).toMatchObject({ ready: true, commit: old });

  await rollout.getByRole("button", { name: "Promote" }).click();
  await expect(page.getByRole("status")).toHaveText(`${head.slice(0, 7)} is now served.`);
  await expect(rollout).toHaveCount(0);
  const previous = page.getByTestId("rollout-previous");
  await expect(previous).toContainText(`Previously served: ${old.slice(0, 7)}`);
  await expect(previous).toContainText("they remove it in 24 h.");
  expect(await (await adminApi.get(`/v1/models/${name}`)).json()).toMatchObject({ ready: true, commit: head });

  // Roll back: the node still holds the old commit, so it serves again at once.
  await node.report([
    { name, commit: head, state: "ready", variant: "safetensors" },
    { name, commit: old, state: "ready", variant: "safetensors" },
  ]);
  await previous.getByRole("button", { name: `Roll back to ${old.slice(0, 7)}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Roll back" }).click();
  await expect(page.getByRole("status")).toHaveText(`Rolled back to ${old.slice(0, 7)}.`);
  await expect(previous).toContainText(`Previously served: ${head.slice(0, 7)}`);
  expect(await (await adminApi.get(`/v1/models/${name}`)).json()).toMatchObject({ ready: true, commit: old });
  const history = page.getByTestId("model-history");
  await expect(history).toContainText("rolled back");
  await expect(history).toContainText("promoted");
  await expect(history).toContainText("staged");
  await expect(history).toContainText("by admin@example.com");

  // The models list marks a staged update, and follows it without a reload.
  await adminApi.post(`/api/models/${name}/update`);
  await page.goto("/models");
  const listed = page.locator(`[data-testid="model-row"][data-model="${name}"]`);
  await expect(listed).toContainText("Update staged");
  expect((await adminApi.post(`/api/models/${name}/promote`)).status()).toBe(200);
  await expect(listed).not.toContainText("Update staged");
  await expect(listed).not.toContainText("Update available");
});
