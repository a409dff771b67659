import { expect, test } from "./fixtures";
import type { NodeReporter } from "./support/node-reporter";

// The console at fleet size: rows summarize many nodes, the model page and the node page
// hold the per-node detail, long lists page.
test.describe.configure({ mode: "serial" });

const name = "hf/acme/unicode-gguf";
const other = "hf/acme/mixed-formats";
const nodeNames = ["fleet-a", "fleet-b", "fleet-c", "fleet-d", "fleet-e"];
let nodes: Record<string, NodeReporter>;

test.beforeEach(async ({ adminApi, announceNode }) => {
  for (const repo of ["acme/unicode-gguf", "acme/mixed-formats"]) {
    const res = await adminApi.post("/api/models/register", { data: { repo } });
    expect([201, 409]).toContain(res.status());
  }
  nodes = {};
  for (const n of nodeNames) nodes[n] = await announceNode(n);
  await nodes["fleet-a"].report([{ name, state: "ready", variant: "gguf:Q4_K_M" }]);
  await nodes["fleet-b"].report([{ name, state: "downloading", bytes_done: 300_000, bytes_total: 1_000_000 }]);
  await nodes["fleet-c"].report([{ name, state: "downloading", bytes_done: 200_000, bytes_total: 1_000_000 }]);
  await nodes["fleet-d"].report([{ name, state: "unsupported", error: { code: "unsupported", message: "no fit" } }]);
  await nodes["fleet-e"].report([{ name, state: "error", error: { code: "disk_full", message: "needs 1 MB" } }]);
});

test("a row with several nodes shows counts and one progress bar with its speed, and no node list", async ({
  adminPage: _signedIn,
  modelsPage,
}) => {
  await modelsPage.goto();
  const summary = modelsPage.row(name).getByTestId("sync-summary");
  await expect(modelsPage.readyBadge(name)).toHaveText("Ready");
  await expect(summary.getByTestId("nodes-ready")).toHaveText("1 of 5 nodes ready");
  await expect(summary.getByTestId("count-downloading")).toHaveText("2 downloading");
  await expect(summary.getByTestId("count-error")).toHaveText("1 failed");
  await expect(summary.getByTestId("count-unsupported")).toHaveText("1 unsupported");
  // One bar for the two downloads: 500 KB of 2 MB.
  await expect(modelsPage.row(name).getByRole("progressbar")).toHaveCount(1);
  await expect(summary.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "25");
  await expect(summary.getByTestId("download-figures")).toHaveText("500.0 KB of 2.0 MB");
  await expect(modelsPage.row(name)).not.toContainText("fleet-b");

  // Progress between two polls gives a speed and the time left.
  await nodes["fleet-b"].report([{ name, state: "downloading", bytes_done: 800_000, bytes_total: 1_000_000 }]);
  await expect(summary.getByTestId("download-figures")).toContainText("1.0 MB of 2.0 MB");
  await expect(summary.getByTestId("download-figures")).toHaveText(/ · [\d.]+ (B|KB|MB)\/s · \d+ (s|min) left$/);

  await summary.getByRole("link", { name: "Per-node detail" }).click();
  await expect(modelsPage.page).toHaveURL(/\/models\/hf\/acme\/unicode-gguf$/);
});

test("the badge and the counts never disagree while nodes change", async ({ adminPage: _signedIn, modelsPage }) => {
  await modelsPage.goto();
  const row = modelsPage.row(name);
  await expect(row.getByTestId("nodes-ready")).toHaveText("1 of 5 nodes ready");
  // Every sample of the row, taken as the browser shows it, must tell one story.
  const sample = () =>
    row.evaluate((el) => ({
      badge: el.querySelector('[data-testid="ready-badge"]')?.textContent ?? "",
      ready: el.querySelector('[data-testid="nodes-ready"]')?.textContent ?? "",
    }));
  const seen: { badge: string; ready: string }[] = [];
  await nodes["fleet-a"].report([{ name, state: "downloading", bytes_done: 1, bytes_total: 1_000_000 }]);
  await expect
    .poll(async () => {
      const s = await sample();
      seen.push(s);
      return s.ready;
    })
    .toBe("0 of 5 nodes ready");
  await nodes["fleet-c"].report([{ name, state: "ready", variant: "gguf:Q4_K_M" }]);
  await expect
    .poll(async () => {
      const s = await sample();
      seen.push(s);
      return s.badge;
    })
    .toBe("Ready");
  for (const s of seen) {
    expect(s.badge === "Ready", `${s.badge} beside "${s.ready}"`).toBe(!s.ready.startsWith("0 of"));
  }
});

test("the model page's node table sorts and filters", async ({ adminPage }) => {
  await adminPage.goto(`/models/${name}`);
  const rows = adminPage.getByTestId("node-state-row");
  const order = () => rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-node")));
  await expect(rows).toHaveCount(5);
  await expect.poll(order).toEqual(nodeNames);

  const table = adminPage.getByRole("table", { name: `Nodes reporting ${name}` });
  await table.getByRole("button", { name: "Node" }).click();
  await expect.poll(order).toEqual([...nodeNames].reverse());
  await expect(table.getByRole("columnheader", { name: "Node" })).toHaveAttribute("aria-sort", "descending");
  // By progress: nothing (unsupported, error: ties by name), then 20 %, 30 %, then ready.
  await table.getByRole("button", { name: "Progress" }).click();
  await expect.poll(order).toEqual(["fleet-d", "fleet-e", "fleet-c", "fleet-b", "fleet-a"]);
  // By state: ready, downloading, error, unsupported; ties by name.
  await table.getByRole("button", { name: "State" }).click();
  await expect.poll(order).toEqual(["fleet-a", "fleet-b", "fleet-c", "fleet-e", "fleet-d"]);

  await adminPage.getByLabel("Filter nodes by state").selectOption("downloading");
  await expect.poll(order).toEqual(["fleet-b", "fleet-c"]);
  await adminPage.getByLabel("Filter nodes by name").fill("B");
  await expect.poll(order).toEqual(["fleet-b"]);
  await adminPage.getByLabel("Filter nodes by state").selectOption("error");
  await expect(rows).toHaveCount(0);
  await expect(adminPage.getByText("No node matches this filter.")).toBeVisible();
  await adminPage.getByLabel("Filter nodes by name").fill("");
  await expect.poll(order).toEqual(["fleet-e"]);
  await expect(rows.first()).toContainText("disk_full: needs 1 MB");
});

test("a node page shows the node's facts and its models; an unknown id is a 404", async ({ adminPage }) => {
  await adminPage.goto(`/models/${name}`);
  await adminPage.getByTestId("node-state-row").filter({ hasText: "fleet-b" }).getByRole("link").click();
  await expect(adminPage).toHaveURL(new RegExp(`/nodes/${nodes["fleet-b"].id}$`));
  await expect(adminPage.getByRole("heading", { name: "fleet-b" })).toBeVisible();
  await expect(adminPage.getByTestId("node-facts")).toContainText("NVIDIA L4 · 24.0 GB");
  await expect(adminPage.getByTestId("node-facts")).toContainText("llama.cpp");
  const row = adminPage.locator(`[data-testid="node-model-row"][data-model="${name}"]`);
  await expect(row).toHaveAttribute("data-state", "downloading");
  await expect(row).toContainText("300.0 KB of 1.0 MB");

  // The node reports more: the page follows without a reload.
  await nodes["fleet-b"].report([
    { name, state: "ready", variant: "gguf:Q4_K_M", bytes_done: 1_000_000, bytes_total: 1_000_000 },
    { name: other, state: "error", error: { code: "disk_full", message: "needs 2 MB" } },
  ]);
  await expect(row).toHaveAttribute("data-state", "ready");
  await expect(row).toContainText("gguf:Q4_K_M");
  await expect(row).toContainText("1.0 MB");
  const failed = adminPage.locator(`[data-testid="node-model-row"][data-model="${other}"]`);
  await expect(failed).toContainText("disk_full: needs 2 MB");
  await adminPage.getByLabel("Filter models by state").selectOption("error");
  await expect(adminPage.getByTestId("node-model-row")).toHaveCount(1);

  await adminPage.goto("/nodes/00000000-0000-4000-8000-000000000000");
  await expect(adminPage.getByRole("heading", { name: "Node not found" })).toBeVisible();
  await adminPage.goto("/nodes/not-an-id");
  await expect(adminPage.getByRole("heading", { name: "Node not found" })).toBeVisible();
});

test("paging moves through a list longer than a page", async ({ adminPage, nodesPage, announceNode }) => {
  const many = Array.from({ length: 52 }, (_, i) => `pager-${String(i).padStart(2, "0")}`);
  for (const n of many) await announceNode(n);
  await nodesPage.goto();
  await adminPage.getByLabel("Search nodes by name").fill("pager-");
  const cards = adminPage.getByTestId("node-card");
  await expect(cards).toHaveCount(50);
  await expect(adminPage.getByTestId("pager-range")).toHaveText("1–50 of 52 · page 1 of 2");
  await expect(nodesPage.card("pager-49")).toBeVisible();
  await adminPage.getByRole("button", { name: "Next" }).click();
  await expect(cards).toHaveCount(2);
  await expect(adminPage.getByTestId("pager-range")).toHaveText("51–52 of 52 · page 2 of 2");
  await expect(nodesPage.card("pager-51")).toBeVisible();
  await expect(adminPage.getByRole("button", { name: "Next" })).toBeDisabled();
  await adminPage.getByRole("button", { name: "Previous" }).click();
  await expect(nodesPage.card("pager-00")).toBeVisible();
  // A new search starts over on the first page.
  await adminPage.getByRole("button", { name: "Next" }).click();
  await adminPage.getByLabel("Search nodes by name").fill("pager-5");
  await expect(cards).toHaveCount(2);
  await expect(adminPage.getByTestId("pager-range")).toHaveCount(0);
});
