import { expect, type Locator, type Page } from "@playwright/test";

export class UsersPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto("/users");
  }

  row(email: string): Locator {
    return this.page.locator(`[data-testid="user-row"][data-email="${email}"]`);
  }

  /** Fill in and send the Add a user form; does not wait for the outcome. */
  async submitNew(user: { email: string; password: string; role: "admin" | "viewer"; name?: string }): Promise<void> {
    await this.page.getByLabel("Email", { exact: true }).fill(user.email);
    if (user.name) await this.page.getByLabel("Name (optional)").fill(user.name);
    await this.page.getByLabel("Password", { exact: true }).fill(user.password);
    await this.page.getByLabel("Role", { exact: true }).selectOption(user.role);
    await this.page.getByRole("button", { name: "Add user" }).click();
  }

  async add(user: { email: string; password: string; role: "admin" | "viewer"; name?: string }): Promise<void> {
    await this.submitNew(user);
    await expect(this.row(user.email)).toBeVisible();
  }

  /** Open the reset dialog for `email` and send `password`; returns the dialog. */
  async resetPassword(email: string, password: string): Promise<Locator> {
    await this.row(email).getByRole("button", { name: "Reset password" }).click();
    const dialog = this.page.getByRole("dialog", { name: `Reset the password of ${email}` });
    await dialog.getByLabel("New password").fill(password);
    await dialog.getByRole("button", { name: "Reset password" }).click();
    return dialog;
  }

  async delete(email: string): Promise<void> {
    await this.row(email).getByRole("button", { name: "Delete" }).click();
    await this.page
      .getByRole("dialog", { name: `Delete ${email}?` })
      .getByRole("button", { name: "Delete user" })
      .click();
  }
}
