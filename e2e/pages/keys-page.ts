import { expect, type Locator, type Page } from "@playwright/test";

export class KeysPage {
  constructor(readonly page: Page) {}

  readonly newKey = () => this.page.getByTestId("new-key");

  async goto(): Promise<void> {
    await this.page.goto("/keys");
  }

  row(name: string): Locator {
    return this.page.locator(`[data-testid="key-row"][data-key-name="${name}"]`);
  }

  /** Create a key and read it from the one place it is ever shown. */
  async create(name: string, scope: "admin" | "node" | "reader"): Promise<string> {
    await this.page.getByLabel("Name", { exact: true }).fill(name);
    await this.page.getByLabel("Scope", { exact: true }).selectOption(scope);
    await this.page.getByRole("button", { name: "Create key" }).click();
    await expect(this.newKey()).toBeVisible();
    return (await this.newKey().textContent())?.trim() ?? "";
  }

  async revoke(name: string): Promise<void> {
    await this.row(name)
      .getByRole("button", { name: `Revoke ${name}` })
      .click();
    await this.page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
    await expect(this.row(name)).toHaveCount(0);
    // The row leaves at once; the banner says the server has revoked it.
    await expect(this.page.getByTestId("banner").filter({ hasText: `Revoked “${name}”` })).toBeVisible();
  }
}
