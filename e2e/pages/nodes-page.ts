import type { Locator, Page } from "@playwright/test";

export class NodesPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto("/nodes");
  }

  card(name: string): Locator {
    return this.page.locator(`[data-testid="node-card"][data-node="${name}"]`);
  }
}
