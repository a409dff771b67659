import { expect, test } from "./fixtures";
import { admin } from "./support/accounts";

test("a signed-out visit is sent to the sign-in page and comes back after signing in", async ({ page, loginPage }) => {
  await page.goto("/nodes");
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  await loginPage.submit(admin);
  await expect(page).toHaveURL(/\/nodes$/);
  await expect(page.getByRole("heading", { name: "Nodes" })).toBeVisible();
});

test("a wrong password and an unknown email get the same generic message", async ({ loginPage }) => {
  await loginPage.goto();
  await loginPage.submit({ email: admin.email, password: "not-the-password" });
  await expect(loginPage.error()).toHaveText("Wrong email or password.");
  await loginPage.submit({ email: "nobody@example.com", password: "not-the-password" });
  await expect(loginPage.error()).toHaveText("Wrong email or password.");
  await expect(loginPage.page).toHaveURL(/\/login/);
});

test("ten failed sign-ins pause that email, and the form says so", async ({ loginPage }) => {
  // Any email typed is counted, whether or not a user has it.
  const email = "locked-out@example.com";
  await loginPage.goto();
  const page = loginPage.page;
  for (let i = 0; i < 10; i++) {
    // One at a time: the form resets its fields when an answer arrives.
    const answered = page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/login"));
    await loginPage.submit({ email, password: `wrong-password-${i}` });
    await answered;
    await expect(loginPage.error()).toHaveText("Wrong email or password.");
  }
  await loginPage.submit({ email, password: "wrong-password-again" });
  await expect(loginPage.error()).toHaveText("Too many failed sign-ins for this email. Try again in 15 minutes.");
});

test("signing out ends the session", async ({ page, loginPage }) => {
  await loginPage.signIn(admin);
  await expect(page.getByTestId("user-email")).toHaveText(admin.email);
  await loginPage.signOut();
  await page.goto("/models");
  await expect(page).toHaveURL(/\/login/);
});
