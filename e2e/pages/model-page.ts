import type { Locator, Page } from "@playwright/test";

/** One model's page (/models/{name}): its "Memory and fit" section. */
export class ModelPage {
  constructor(readonly page: Page) {}

  readonly fit = () => this.page.getByTestId("model-fit");
  readonly fitSummary = () => this.fit().getByTestId("fit-summary");

  async goto(name: string): Promise<void> {
    await this.page.goto(`/models/${name}`);
  }

  /** The need of one variant at the picked context, in the variants table. */
  needRow(variant: string): Locator {
    return this.fit().locator(`[data-testid="need-row"][data-variant="${variant}"]`);
  }

  /** One node × variant cell of the fit table (the model page's, or the preview's). */
  static fitCell(scope: Locator, node: string, variant: string): Locator {
    return scope.locator(
      `[data-testid="fit-row"][data-node="${node}"] [data-testid="fit-cell"][data-variant="${variant}"]`,
    );
  }

  fitCell(node: string, variant: string): Locator {
    return ModelPage.fitCell(this.fit(), node, variant);
  }

  async pickContext(label: string): Promise<void> {
    await this.fit().getByRole("group", { name: "Context" }).getByRole("button", { name: label, exact: true }).click();
  }
}
