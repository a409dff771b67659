import type { Locator, Page } from "@playwright/test";

export class ActivityPage {
  constructor(readonly page: Page) {}

  readonly rows = () => this.page.getByTestId("activity-row");

  async goto(): Promise<void> {
    await this.page.goto("/activity");
  }

  /** Rows of `action` (as the page names it) about `target`. */
  row(action: string, target: string): Locator {
    return this.rows()
      .filter({ has: this.page.getByTestId("activity-action").getByText(action, { exact: true }) })
      .filter({ hasText: target });
  }

  /** Choose the filters and apply them; left-out ones are set back to "any". */
  async filter({ action = "", actor = "", outcome = "" }: { action?: string; actor?: string; outcome?: string }) {
    await this.page.getByLabel("Action", { exact: true }).selectOption(action ? { label: action } : { value: "" });
    await this.page.getByLabel("Who", { exact: true }).fill(actor);
    await this.page.getByLabel("Outcome", { exact: true }).selectOption(outcome);
    await this.page.getByRole("button", { name: "Filter" }).click();
  }
}
