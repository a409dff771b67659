import { expect, test } from "./fixtures";

test("the nodes page shows each node's state and hardware, and an admin can forget one", async ({
  adminPage,
  nodesPage,
  announceNode,
  adminApi,
}) => {
  const models = (await (await adminApi.get("/api/models")).json()).models as { name: string }[];
  const node = await announceNode("edge-box-7");
  await node.report(
    models.map((m, i) => (i === 0 ? { name: m.name, state: "ready" } : { name: m.name, state: "pending" })),
  );
  await nodesPage.goto();
  const card = nodesPage.card("edge-box-7");
  await expect(card).toContainText("online");
  await expect(card).toContainText(/Last seen \d+ s ago/);
  await expect(card.getByTestId("models-ready")).toHaveText(`1 / ${models.length}`);
  await expect(card).toContainText("llama.cpp");
  await expect(card).toContainText("NVIDIA L4 · 24.0 GB");
  await expect(card).toContainText("480.0 GB");

  await card.getByRole("button", { name: "Forget edge-box-7" }).click();
  await adminPage.getByRole("dialog").getByRole("button", { name: "Forget node" }).click();
  await expect(card).toHaveCount(0);
  await expect(adminPage.getByTestId("banner").filter({ hasText: "Forgot edge-box-7" })).toBeVisible();
  const listed = (await (await adminApi.get("/api/nodes")).json()).nodes as { name: string }[];
  expect(listed.map((n) => n.name)).not.toContain("edge-box-7");
});
