import { defineConfig, devices } from "@playwright/test";

// Browser tests against `next start` (built into .next-e2e, beside the main build)
// on a fresh embedded database and the fake Hugging Face hub, both started by
// e2e/global-setup.ts. Debian's Chromium: Playwright's own download cannot work here.
export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  // One server and one database for the whole run; specs use distinct models.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  projects: [
    // The registration story starts from the fresh database (its empty state);
    // everything else runs after it and tolerates the models it left behind.
    { name: "registry", testMatch: /models\.spec\.ts$/ },
    { name: "console", testIgnore: /models\.spec\.ts$/, dependencies: ["registry"] },
  ],
  outputDir: "test-results",
  use: {
    ...devices["Desktop Chrome"],
    viewport: { width: 1440, height: 900 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
});
