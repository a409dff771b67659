import { type RunningServer, startNextServer } from "../tests/helpers/server";
import { startTcpProxy, type TcpProxy } from "../tests/helpers/tcp-proxy";
import { createPostgresDatabase, postgresAdminUrl } from "../tests/helpers/test-database";
import { test as base, expect } from "./fixtures";

// The console while its database is gone: pages say so instead of crashing, sign-in
// says so instead of "wrong password", and both come back with the database. This
// spec runs its own server, on PostgreSQL behind a TCP proxy it cuts; the shared
// server's embedded database cannot be taken away from it.
const account = { email: "outage-admin@example.com", password: "outage-admin-password-42" };
type Outage = { server: RunningServer; proxy: TcpProxy };

const test = base.extend<object, { outage: Outage }>({
  outage: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures a fixture needs from this pattern
    async ({}, use) => {
      const database = await createPostgresDatabase();
      const target = new URL(postgresAdminUrl);
      const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      const server = await startNextServer({
        NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-e2e",
        DATABASE_URL: proxy.url(database.url),
        PGLITE_DIR: undefined,
        AUTH_SECRET: undefined,
        LLMLB_ADMIN_KEY: "outage-e2e-admin-key-0123456789",
        LLMLB_ADMIN_EMAIL: account.email,
        LLMLB_ADMIN_PASSWORD: account.password,
      });
      await use({ server, proxy });
      await server.stop();
      await proxy.close();
      await database.drop();
    },
    { scope: "worker" },
  ],
  baseURL: async ({ outage }, use) => use(outage.server.url),
});

test.describe.configure({ mode: "serial" });

test("a signed-in page says the database is unavailable, and comes back with it", async ({
  page,
  loginPage,
  outage: { proxy },
}) => {
  await loginPage.signIn(account);
  await expect(page.getByRole("heading", { name: "Models" })).toBeVisible();
  await proxy.cut("refuse");
  try {
    // The page already shown keeps its data and says why it stopped updating.
    await expect(page.getByText("live updates paused: The database is unavailable right now")).toBeVisible();
    await page.reload();
    await expect(page.getByRole("heading", { name: "The database is unavailable" })).toBeVisible();
    await expect(page.getByText("Nothing saved is lost")).toBeVisible();
  } finally {
    await proxy.restore();
  }
  await expect(async () => {
    await page.getByRole("button", { name: "Try again" }).click();
    await expect(page.getByRole("heading", { name: "Models" })).toBeVisible({ timeout: 2_000 });
  }).toPass();
});

test("sign-in says the database is unavailable instead of a wrong password", async ({
  page,
  loginPage,
  outage: { proxy },
}) => {
  await loginPage.goto();
  await proxy.cut("refuse");
  try {
    await loginPage.submit(account);
    await expect(loginPage.error()).toHaveText(
      "The database is unavailable right now, so nobody can sign in. Try again in a few seconds.",
    );
  } finally {
    await proxy.restore();
  }
  await loginPage.submit(account);
  await expect(page).toHaveURL(/\/models$/);
});
