import { expect, type Locator, type Page } from "@playwright/test";

export class UsersPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto("/users");
  }

  row(email: string): Locator {
    return this.page.locator(`[data-testid="user-row"][data-email="${email}"]`);
  }

  async add(user: { email: string; password: string; role: "admin" | "viewer"; name?: string }): Promise<void> {
    await this.page.getByLabel("Email", { exact: true }).fill(user.email);
    if (user.name) await this.page.getByLabel("Name (optional)").fill(user.name);
    await this.page.getByLabel("Password (12+ characters)").fill(user.password);
    await this.page.getByLabel("Role", { exact: true }).selectOption(user.role);
    await this.page.getByRole("button", { name: "Add user" }).click();
    await expect(this.row(user.email)).toBeVisible();
  }
}
