import path from "node:path";
import { expect, test } from "./fixtures";

// The README's pictures come from this run, so they always show the current console.
const dir = path.join(__dirname, "..", "docs", "screenshots");

test("screenshots of the models, nodes and node pages", async ({
  adminPage,
  adminApi,
  announceNode,
  modelsPage,
  nodesPage,
}) => {
  for (const repo of ["acme/big-model-GGUF", "acme/tiny-llama-GGUF"]) {
    const res = await adminApi.post("/api/models/register", { data: { repo } });
    expect([201, 409]).toContain(res.status());
  }
  const gpu = await announceNode("gpu-node-1");
  const mac = await announceNode("mac-studio");
  await gpu.report([
    { name: "hf/acme/tiny-llama-GGUF", state: "ready", variant: "gguf:Q4_K_M" },
    { name: "hf/acme/big-model-GGUF", state: "downloading", bytes_done: 260_000, bytes_total: 600_000 },
  ]);
  await mac.report([
    { name: "hf/acme/tiny-llama-GGUF", state: "ready", variant: "gguf:Q8_0" },
    { name: "hf/acme/big-model-GGUF", state: "error", error: { code: "disk_full", message: "needs 600 KB more" } },
  ]);

  await modelsPage.goto();
  await expect(modelsPage.readyBadge("hf/acme/tiny-llama-GGUF")).toHaveText("Ready");
  await expect(modelsPage.row("hf/acme/big-model-GGUF").getByRole("progressbar")).toBeVisible();
  await adminPage.screenshot({ path: path.join(dir, "models.png"), fullPage: true });

  await nodesPage.goto();
  await expect(nodesPage.card("mac-studio")).toContainText("online");
  await adminPage.screenshot({ path: path.join(dir, "nodes.png"), fullPage: true });

  await nodesPage.card("gpu-node-1").getByRole("link", { name: "gpu-node-1" }).click();
  await expect(adminPage.getByTestId("node-model-row")).toHaveCount(2);
  await adminPage.screenshot({ path: path.join(dir, "node.png"), fullPage: true });

  // The same models page on a phone, in dark mode.
  await adminPage.setViewportSize({ width: 390, height: 844 });
  await adminPage.emulateMedia({ colorScheme: "dark" });
  await modelsPage.goto();
  await expect(modelsPage.readyBadge("hf/acme/tiny-llama-GGUF")).toHaveText("Ready");
  await adminPage.screenshot({ path: path.join(dir, "models-phone-dark.png"), fullPage: true });
});
