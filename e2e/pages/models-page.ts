import { expect, type Locator, type Page } from "@playwright/test";

export class ModelsPage {
  constructor(readonly page: Page) {}

  readonly input = () => this.page.getByLabel("Hugging Face URL or owner/repo");
  readonly fileInput = () => this.page.getByLabel("File in the repo (optional)");
  readonly checkButton = () => this.page.getByRole("button", { name: "Check", exact: true });
  readonly preview = () => this.page.getByTestId("registration-preview");
  readonly banners = () => this.page.getByTestId("banner");
  readonly search = () => this.page.getByLabel("Search models by name");
  readonly dialog = () => this.page.getByRole("dialog");
  readonly rows = () => this.page.getByTestId("model-row");

  async goto(): Promise<void> {
    await this.page.goto("/models");
  }

  row(name: string): Locator {
    return this.page.locator(`[data-testid="model-row"][data-model="${name}"]`);
  }

  readyBadge(name: string): Locator {
    return this.row(name).getByTestId("ready-badge");
  }

  /** Paste an input and ask the server what it would register. */
  async check(input: string, file?: string): Promise<void> {
    await this.input().fill(input);
    if (file) await this.fileInput().fill(file);
    await this.checkButton().click();
  }

  async confirmRegistration(): Promise<void> {
    await this.preview().getByRole("button", { name: "Register" }).click();
  }

  /** Check, see the preview, register; returns the success banner. */
  async register(input: string): Promise<Locator> {
    await this.check(input);
    await expect(this.preview()).toBeVisible();
    await this.confirmRegistration();
    const banner = this.banners().filter({ hasText: "Registered" });
    await expect(banner).toBeVisible();
    return banner;
  }

  async openDeleteDialog(name: string): Promise<Locator> {
    await this.row(name)
      .getByRole("button", { name: `Delete ${name}` })
      .click();
    await expect(this.dialog()).toBeVisible();
    return this.dialog();
  }

  /** Mark the document, so a test can tell a live update from a page load. */
  async markDocument(): Promise<void> {
    await this.page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });
  }

  async isSameDocument(): Promise<boolean> {
    return this.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);
  }
}
