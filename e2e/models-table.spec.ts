import { expect, test } from "./fixtures";

// The models table on a laptop screen: a long name wraps only after a "/", never inside a
// part ("phi-mini-in" / "struct"), and the whole name is one hover away.
const long = "hf/acme/big-model-GGUF/Q4_K_M/big-model-Q4_K_M-00001-of-00003.gguf";

test("model names and sources break at slashes, not inside a word, at 1280 px", async ({
  adminApi,
  adminPage,
  modelsPage,
}) => {
  for (const data of [
    { repo: "acme/big-model-GGUF", filename: "Q4_K_M/big-model-Q4_K_M-00001-of-00003.gguf" },
    { repo: "acme/sharded-safetensors" },
  ]) {
    expect([201, 409]).toContain((await adminApi.post("/api/models/register", { data })).status());
  }
  await adminPage.setViewportSize({ width: 1280, height: 800 });
  await modelsPage.goto();
  const row = modelsPage.row(long);
  await expect(row).toBeVisible();
  const name = row.getByTestId("path-name").first();
  await expect(name).toHaveAttribute("title", long);

  // Where each line of every name and source ends: a line may end only after a "/".
  const names = adminPage.getByTestId("path-name");
  expect(await names.count()).toBeGreaterThan(2);
  const midWord = await names.evaluateAll((elements) =>
    elements.flatMap((el) => {
      const chars: { c: string; top: number }[] = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? "";
        for (let i = 0; i < text.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getBoundingClientRect();
          if (rect.width > 0) chars.push({ c: text[i] ?? "", top: Math.round(rect.top) });
        }
      }
      const lines = new Set(chars.map((ch) => ch.top)).size;
      const bad = chars.filter((ch, i) => i > 0 && ch.top > (chars[i - 1]?.top ?? 0) + 2 && chars[i - 1]?.c !== "/");
      return bad.length ? [`${el.textContent} breaks before "${bad.map((b) => b.c).join("")}" (${lines} lines)`] : [];
    }),
  );
  expect(midWord).toEqual([]);
  // The long name did wrap (the check above had something to check).
  const box = await name.boundingBox();
  expect(box?.height ?? 0).toBeGreaterThan(20);
});
