import { formatBytes } from "../lib/format/bytes";
import { shapeWeightFiles } from "../tests/fake-hub/shape-repos";
import { expect, test } from "./fixtures";
import { ModelPage } from "./pages/model-page";

// Where a model fits (docs/fit.md), as a person sees it: the registration preview's needs and
// "fits on N of M", the model page's node × variant table, and another context picked there.
// Four nodes, one for each answer: one GPU, split over two, system memory only, too small.

const repo = "acme/shape-llama-GGUF";
const name = `hf/${repo}`;
const gatedRepo = "acme/shape-gated-GGUF";
const q4 = "gguf:Q4_K_M";
const q8 = "gguf:Q8_0";

const GB = 1e9;
const nodes = {
  "fit-one-gpu": { gpus: [{ name: "NVIDIA L4", memory_bytes: 24 * GB }], memory_bytes: 64 * GB },
  "fit-split": {
    gpus: [
      { name: "RTX A2000", memory_bytes: 6 * GB },
      { name: "RTX A2000", memory_bytes: 6 * GB },
    ],
    memory_bytes: 4 * GB,
  },
  "fit-ram-only": { gpus: [], memory_bytes: 32 * GB },
  "fit-too-small": { gpus: [{ name: "Jetson", memory_bytes: 2 * GB }], memory_bytes: 4 * GB },
};

// Llama-3-8B's shape: 32 layers × 8 KV heads × 128 dimensions × (K and V) × 2 bytes.
const kvPerToken = 32 * 8 * 128 * 2 * 2;
const weightsOf = (file: string) => {
  const weights = shapeWeightFiles.get(`${repo}/${file}`);
  if (!weights) throw new Error(`the fake hub has no ${repo}/${file}`);
  return weights.size;
};
const weights: Record<string, number> = {
  [q4]: weightsOf("shape-llama-Q4_K_M.gguf"),
  [q8]: weightsOf("shape-llama-Q8_0.gguf"),
};
/** The rule of docs/fit.md, restated: weights + KV cache + max(512 MiB, 10% of the weights). */
const need = (variant: string, context: number) =>
  formatBytes(weights[variant] + kvPerToken * context + Math.max(512 * 2 ** 20, Math.round(weights[variant] * 0.1)));

test.beforeEach(async ({ adminApi, announceNode }) => {
  // Left by an earlier run on a kept database; 404 otherwise.
  for (const model of [name, `hf/${gatedRepo}`]) await adminApi.delete(`/api/models/${model}`);
  for (const [node, hardware] of Object.entries(nodes)) {
    (await announceNode(node, { formats: ["gguf"], ...hardware })).keepOnline();
  }
  const online = (await (await adminApi.get("/api/nodes")).json()).nodes.filter((n: { online: boolean }) => n.online);
  // The counts below assume these four are the only online nodes (other specs' nodes are gone by now).
  expect(online.map((n: { name: string }) => n.name).sort()).toEqual(Object.keys(nodes).sort());
});

test("the preview says where it fits, and the model page shows each node × variant at a picked context", async ({
  adminPage,
  modelsPage,
}) => {
  await modelsPage.goto();
  await modelsPage.check(repo);
  const preview = modelsPage.preview();
  await expect(preview).toBeVisible();

  // Each variant's need at the stated context, part by part, with its parameters and type.
  const q4Row = preview.locator(`[data-testid="preview-variant"][data-variant="${q4}"]`);
  await expect(q4Row).toContainText("8.0B · Q4_K_M");
  await expect(q4Row.getByTestId("need-total")).toHaveText(need(q4, 8192));
  // 128 KiB a token: 1 GiB at 8k.
  await expect(q4Row.getByTestId("need-parts")).toContainText(`${formatBytes(2 ** 30)} KV cache at 8k`);
  const q8Row = preview.locator(`[data-testid="preview-variant"][data-variant="${q8}"]`);
  await expect(q8Row).toContainText("8.0B · Q8_0");
  await expect(q8Row.getByTestId("need-total")).toHaveText(need(q8, 8192));

  await expect(preview.getByTestId("preview-fit-summary")).toHaveText("Fits on 3 of 4 online nodes at 8k context");
  // The details are one click away.
  const details = preview.getByTestId("preview-fit");
  await expect(details.getByTestId("fit-row").first()).toBeHidden();
  await details.getByText("Node by node").click();
  await expect(details.getByTestId("fit-row")).toHaveCount(4);
  await expect(ModelPage.fitCell(details, "fit-one-gpu", q4)).toHaveText("1 GPU (24.0 GB)");
  await expect(ModelPage.fitCell(details, "fit-split", q4)).toHaveText("split over 2 GPUs (12.0 GB)");
  await expect(ModelPage.fitCell(details, "fit-ram-only", q8)).toHaveText("system memory only (32.0 GB)");
  await expect(ModelPage.fitCell(details, "fit-too-small", q4)).toHaveText(
    `too large — needs ${need(q4, 8192)}, has 4.0 GB`,
  );

  await modelsPage.confirmRegistration();
  await expect(modelsPage.banners().filter({ hasText: `Registered ${name}` })).toBeVisible();

  const modelPage = new ModelPage(adminPage);
  await modelPage.goto(name);
  await expect(modelPage.fitSummary()).toHaveText("Fits on 3 of 4 online nodes at 8k context");
  await expect(modelPage.needRow(q4)).toContainText(formatBytes(kvPerToken));
  await expect(modelPage.needRow(q4).getByTestId("need-kv")).toHaveText(formatBytes(2 ** 30));
  await expect(modelPage.needRow(q4).getByTestId("need-total")).toHaveText(need(q4, 8192));
  await expect(modelPage.needRow(q8).getByTestId("need-total")).toHaveText(need(q8, 8192));
  const at8k = {
    "fit-one-gpu": ["1 GPU (24.0 GB)", "1 GPU (24.0 GB)"],
    "fit-split": ["split over 2 GPUs (12.0 GB)", "split over 2 GPUs (12.0 GB)"],
    "fit-ram-only": ["system memory only (32.0 GB)", "system memory only (32.0 GB)"],
    "fit-too-small": [
      `too large — needs ${need(q4, 8192)}, has 4.0 GB`,
      `too large — needs ${need(q8, 8192)}, has 4.0 GB`,
    ],
  };
  for (const [node, [a, b]] of Object.entries(at8k)) {
    await expect(modelPage.fitCell(node, q4)).toHaveText(a);
    await expect(modelPage.fitCell(node, q8)).toHaveText(b);
  }
  // Red is for "too large" only.
  await expect(modelPage.fitCell("fit-too-small", q4)).toHaveClass(/text-red-/);
  await expect(modelPage.fitCell("fit-one-gpu", q4)).not.toHaveClass(/text-red-/);

  // The picker offers nothing beyond the model's 128k; picking 128k makes the KV cache 16 GiB.
  const picker = modelPage.fit().getByRole("group", { name: "Context" });
  await expect(picker.getByRole("button")).toHaveText(["2k", "4k", "8k", "16k", "32k", "128k"]);
  await modelPage.pickContext("128k");
  await expect(picker.getByRole("button", { name: "128k" })).toHaveAttribute("aria-pressed", "true");
  await expect(modelPage.needRow(q4).getByTestId("need-kv")).toHaveText(formatBytes(16 * 2 ** 30));
  await expect(modelPage.needRow(q8).getByTestId("need-total")).toHaveText(need(q8, 131072));
  await expect(modelPage.fitSummary()).toHaveText("Fits on 2 of 4 online nodes at 128k context");
  await expect(modelPage.fitCell("fit-one-gpu", q4)).toHaveText("1 GPU (24.0 GB)");
  await expect(modelPage.fitCell("fit-one-gpu", q8)).toHaveText("system memory only (64.0 GB)");
  await expect(modelPage.fitCell("fit-split", q4)).toHaveText(`too large — needs ${need(q4, 131072)}, has 12.0 GB`);
  await expect(modelPage.fitCell("fit-ram-only", q8)).toHaveText("system memory only (32.0 GB)");

  // On a phone the table scrolls inside its card; the page itself does not scroll sideways.
  await adminPage.setViewportSize({ width: 390, height: 844 });
  await expect(modelPage.fitCell("fit-split", q8)).toBeAttached();
  const pageOverflow = await adminPage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(pageOverflow).toBeLessThanOrEqual(0);
});

test("a gated repository previews with 'Fit unknown' and its reason, and still registers", async ({
  adminPage,
  modelsPage,
}) => {
  const reason = /shape-gated-Q4_0\.gguf is gated or private on Hugging Face and this server has no HF_TOKEN/;
  await modelsPage.goto();
  await modelsPage.check(gatedRepo);
  const preview = modelsPage.preview();
  await expect(preview.getByTestId("preview-fit-summary")).toHaveText(/^Fit unknown: /);
  await expect(preview.getByTestId("preview-fit-summary")).toContainText(reason);
  await expect(preview.getByTestId("need-unknown")).toContainText(reason);

  await modelsPage.confirmRegistration();
  await expect(modelsPage.banners().filter({ hasText: `Registered hf/${gatedRepo}` })).toBeVisible();

  const modelPage = new ModelPage(adminPage);
  await modelPage.goto(`hf/${gatedRepo}`);
  await expect(modelPage.fitSummary()).toContainText(reason);
  await expect(modelPage.fit().getByTestId("need-unknown")).toContainText(reason);
  await expect(modelPage.fitCell("fit-one-gpu", "gguf:Q4_0")).toHaveText("unknown");
});
