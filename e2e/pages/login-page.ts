import { expect, type Page } from "@playwright/test";

export class LoginPage {
  constructor(readonly page: Page) {}

  readonly email = () => this.page.getByLabel("Email");
  readonly password = () => this.page.getByLabel("Password");
  readonly error = () => this.page.getByRole("alert").filter({ hasText: /\S/ });

  async goto(): Promise<void> {
    await this.page.goto("/login");
  }

  async submit({ email, password }: { email: string; password: string }): Promise<void> {
    await this.email().fill(email);
    await this.password().fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
  }

  /** Sign in and land on the models page. */
  async signIn(account: { email: string; password: string }): Promise<void> {
    await this.goto();
    await this.submit(account);
    await expect(this.page).toHaveURL(/\/models$/);
  }

  async signOut(): Promise<void> {
    await this.page.getByRole("button", { name: "Sign out" }).click();
    await expect(this.page).toHaveURL(/\/login/);
  }
}
