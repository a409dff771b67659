import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, hubUrl, test } from "./fixtures";

const name = "hf/acme/tiny-onnx";

test.beforeAll(async ({ adminApi }) => {
  // Registered as a script would, so this spec does not depend on the others.
  const res = await adminApi.post("/api/models/register", { data: { repo: "acme/tiny-onnx" } });
  // 409 when a retry in a fresh worker runs this again.
  expect([201, 409]).toContain(res.status());
});

test("the model page shows the manifest, per-node state and copy-ready snippets", async ({
  adminPage,
  adminApi,
  announceNode,
  context,
}) => {
  const node = await announceNode("onnx-box");
  await node.report([{ name, state: "error", error: { code: "disk_full", message: "needs 2.1 MB, 0 B free" } }]);
  await adminPage.goto(`/models/${name}`);
  await expect(adminPage.getByRole("heading", { name: "tiny-onnx" })).toBeVisible();

  const detail = await (await adminApi.get(`/api/models/${name}`)).json();
  const commitLink = adminPage.getByTestId("commit-link");
  await expect(commitLink).toHaveText(detail.commit);
  await expect(commitLink).toHaveAttribute("href", `${hubUrl()}/acme/tiny-onnx/tree/${detail.commit}`);
  await expect(adminPage.getByTestId("variant-row")).toHaveCount(detail.variants.length);
  await expect(adminPage.getByTestId("artifact-row")).toHaveCount(detail.artifacts.length);
  // Rows follow the manifest's order; every file with a hash on the Hub shows it.
  const artifacts = detail.artifacts as { filename: string; sha256: string | null }[];
  expect(artifacts.some((a) => a.sha256)).toBe(true);
  for (const [i, a] of artifacts.entries()) {
    const row = adminPage.getByTestId("artifact-row").nth(i);
    await expect(row).toContainText(a.filename);
    if (a.sha256) await expect(row).toContainText(a.sha256);
  }

  const row = adminPage.locator('[data-testid="node-state-row"][data-node="onnx-box"]');
  await expect(row).toContainText("disk_full: needs 2.1 MB, 0 B free");
  await expect(row).toContainText(/updated \d+ s ago/);

  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await adminPage.getByRole("button", { name: "Copy curl command" }).click();
  await expect(adminPage.getByRole("button", { name: "Copied" })).toBeVisible();
  const copied = await adminPage.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain(`/v1/models/${name}`);
  expect(copied).toContain("Authorization: Bearer $LLMLB_API_KEY");
  await adminPage.getByRole("button", { name: "Copy CLI command" }).click();
  expect(await adminPage.evaluate(() => navigator.clipboard.readText())).toContain(`npx llmlb model show ${name}`);
  await expect(adminPage.getByTestId("snippets-key-hint")).toContainText("LLMLB_API_KEY");

  // Each command runs as shown, in the setting the README describes: a checkout, with
  // LLMLB_API_KEY set to a reader key.
  const reader = await (await adminApi.post("/api/keys", { data: { name: "snippets", scope: "reader" } })).json();
  const snippets = await adminPage.getByTestId("snippet").allTextContents();
  expect(snippets).toHaveLength(3);
  for (const command of snippets) {
    const run = spawnSync("bash", ["-c", command], {
      cwd: path.resolve(__dirname, ".."),
      env: { ...process.env, LLMLB_API_KEY: reader.key },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status, `${command}\n${run.stderr}`).toBe(0);
    expect(run.stdout, command).toContain(name);
  }
});

test("deleting from the model page goes back to a list without it", async ({ adminPage, modelsPage }) => {
  await adminPage.goto(`/models/${name}`);
  await adminPage.getByRole("button", { name: "Delete", exact: true }).click();
  await adminPage.getByRole("dialog").getByRole("button", { name: "Delete model" }).click();
  await expect(adminPage).toHaveURL(/\/models$/);
  await expect(modelsPage.row(name)).toHaveCount(0);
  await adminPage.goto(`/models/${name}`);
  await expect(adminPage.getByRole("heading", { name: "Not found" })).toBeVisible();
});
