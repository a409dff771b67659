import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { admin } from "./support/accounts";

// Complete user management: the password rule, resets, deletion, one's own password, and
// the console never losing its last active admin. Each person here is new to this spec.
test.describe.configure({ mode: "serial" });

/** A second browser, signed in as `account`, on the models page. */
async function signedInElsewhere(browser: Browser, serverUrl: string, account: { email: string; password: string }) {
  const context = await browser.newContext({ baseURL: serverUrl });
  const page = await context.newPage();
  await new LoginPage(page).signIn(account);
  return { page, context };
}

/** Whether `account` can sign in, tried in a fresh browser. */
async function canSignIn(browser: Browser, serverUrl: string, account: { email: string; password: string }) {
  const context = await browser.newContext({ baseURL: serverUrl });
  const login = new LoginPage(await context.newPage());
  await login.goto();
  await login.submit(account);
  // Either the models page or the sign-in form's message, whichever comes.
  await expect(login.page.getByRole("heading", { name: "Models" }).or(login.error()).first()).toBeVisible();
  const outcome = /\/models$/.test(login.page.url());
  if (!outcome) await expect(login.error()).toHaveText("Wrong email or password.");
  await context.close();
  return outcome;
}

async function expectSentToSignIn(page: Page) {
  await page.goto("/nodes");
  await expect(page).toHaveURL(/\/login/);
}

test("the form says the password rule, and the server refuses a short password under that field", async ({
  adminPage,
  usersPage,
}) => {
  await usersPage.goto();
  const password = adminPage.getByLabel("Password", { exact: true });
  await expect(password).toHaveAccessibleDescription("At least 12 characters.");
  await usersPage.submitNew({ email: "shorty@example.com", password: "elevenchars", role: "viewer" });
  await expect(adminPage.getByTestId("field-error")).toHaveText("The password needs at least 12 characters.");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await adminPage.reload();
  await expect(usersPage.row("shorty@example.com")).toHaveCount(0);

  // The role menus are as wide as their words, not the table.
  const role = usersPage.row(admin.email).getByLabel(`Role of ${admin.email}`);
  expect((await role.boundingBox())?.width).toBeLessThan(160);
});

test("an admin resets a user's password: the user's sessions end, the new password works", async ({
  browser,
  serverUrl,
  adminPage,
  usersPage,
}) => {
  const rosa = { email: "rosa@example.com", password: "rosa-first-password" };
  await usersPage.goto();
  await usersPage.add({ ...rosa, role: "viewer" });
  const elsewhere = await signedInElsewhere(browser, serverUrl, rosa);

  const dialog = await usersPage.resetPassword(rosa.email, "too-short");
  await expect(dialog.getByTestId("field-error")).toHaveText("The new password needs at least 12 characters.");
  await dialog.getByLabel("New password").fill("rosa-second-password");
  await dialog.getByRole("button", { name: "Reset password" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(adminPage.getByTestId("banner").first()).toContainText(
    `${rosa.email} has a new password and was signed out everywhere.`,
  );

  await expectSentToSignIn(elsewhere.page);
  await elsewhere.context.close();
  expect(await canSignIn(browser, serverUrl, rosa)).toBe(false);
  expect(await canSignIn(browser, serverUrl, { ...rosa, password: "rosa-second-password" })).toBe(true);
});

test("an admin deletes a user, who is signed out and cannot sign in again", async ({
  browser,
  serverUrl,
  adminPage,
  usersPage,
}) => {
  const dan = { email: "dan@example.com", password: "dan-first-password" };
  await usersPage.goto();
  await usersPage.add({ ...dan, role: "admin" });
  const elsewhere = await signedInElsewhere(browser, serverUrl, dan);

  await usersPage.delete(dan.email);
  await expect(usersPage.row(dan.email)).toHaveCount(0);
  await expect(adminPage.getByTestId("banner").first()).toContainText(
    `${dan.email} was deleted and can no longer sign in.`,
  );
  await expectSentToSignIn(elsewhere.page);
  await elsewhere.context.close();
  expect(await canSignIn(browser, serverUrl, dan)).toBe(false);
});

test("a person changes their own password from the header: the old one stops working, the new one works", async ({
  browser,
  serverUrl,
  usersPage,
  adminPage,
}) => {
  const olga = { email: "olga@example.com", password: "olga-first-password" };
  const next = "olga-second-password";
  await usersPage.goto();
  await usersPage.add({ ...olga, role: "viewer" });
  await expect(adminPage.getByTestId("banner").first()).toContainText(`${olga.email} can now sign in`);

  const me = await signedInElsewhere(browser, serverUrl, olga);
  const other = await signedInElsewhere(browser, serverUrl, olga);
  await me.page.getByRole("link", { name: olga.email }).click();
  await expect(me.page).toHaveURL(/\/account$/);
  await expect(me.page.getByRole("heading", { name: "Your account" })).toBeVisible();

  const current = me.page.getByLabel("Current password");
  const fresh = me.page.getByLabel("New password", { exact: true });
  const again = me.page.getByLabel("New password again");
  await expect(fresh).toHaveAccessibleDescription("At least 12 characters.");
  const submit = async (values: [string, string, string]) => {
    await current.fill(values[0]);
    await fresh.fill(values[1]);
    await again.fill(values[2]);
    await me.page.getByRole("button", { name: "Change password" }).click();
  };
  await submit(["not-my-password", next, next]);
  await expect(me.page.getByTestId("field-error")).toHaveText("The current password is wrong; nothing was changed.");
  await submit([olga.password, "short", "short"]);
  await expect(me.page.getByTestId("field-error")).toHaveText("The new password needs at least 12 characters.");
  await submit([olga.password, next, next]);
  await expect(me.page.getByTestId("password-changed")).toHaveText(
    "Your password was changed. Your other sessions were signed out.",
  );

  // This browser stays signed in; the other one is signed out.
  await me.page.goto("/nodes");
  await expect(me.page).toHaveURL(/\/nodes$/);
  await expectSentToSignIn(other.page);
  await me.context.close();
  await other.context.close();
  expect(await canSignIn(browser, serverUrl, olga)).toBe(false);
  expect(await canSignIn(browser, serverUrl, { ...olga, password: next })).toBe(true);
});

test("the only active admin can be neither demoted nor deleted, even by a forged request", async ({
  adminPage,
  usersPage,
}) => {
  await usersPage.goto();
  const mine = usersPage.row(admin.email);
  await expect(mine).toContainText("Only active admin");
  await expect(mine.getByLabel(`Role of ${admin.email}`)).toBeDisabled();
  await expect(mine.getByRole("button", { name: /Delete|Disable/ })).toHaveCount(0);

  // Record the requests the page sends to promote and delete someone else…
  const temp = { email: "temp@example.com", password: "temp-first-password" };
  await usersPage.add({ ...temp, role: "viewer" });
  const tempId = (await usersPage.row(temp.email).getAttribute("data-id")) ?? "";
  const myId = (await mine.getAttribute("data-id")) ?? "";
  const action = () => adminPage.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]));
  const [promote] = await Promise.all([
    action(),
    usersPage.row(temp.email).getByLabel(`Role of ${temp.email}`).selectOption("admin"),
  ]);
  await expect(usersPage.row(temp.email).getByLabel(`Role of ${temp.email}`)).toHaveValue("admin");
  await expect(mine).not.toContainText("Only active admin");
  await usersPage.row(temp.email).getByLabel(`Role of ${temp.email}`).selectOption("viewer");
  await expect(mine).toContainText("Only active admin");
  const [remove] = await Promise.all([action(), usersPage.delete(temp.email)]);
  await expect(usersPage.row(temp.email)).toHaveCount(0);

  // …and send them again aimed at the only active admin.
  const replay = async (request: typeof remove, body: string) => {
    const headers = { ...request.headers() };
    delete headers.cookie;
    const answer = await adminPage.request.post(request.url(), { headers, data: body });
    expect(answer.status()).toBe(200);
    return answer.text();
  };
  const demoteBody = (promote.postData() ?? "").replace(tempId, myId).replace('"admin"', '"viewer"');
  expect(await replay(promote, demoteBody)).toContain("You are the last active admin");
  expect(await replay(remove, (remove.postData() ?? "").replace(tempId, myId))).toContain(
    "You are the last active admin",
  );
  await adminPage.reload();
  await expect(mine.getByLabel(`Role of ${admin.email}`)).toHaveValue("admin");
  await expect(adminPage.getByRole("link", { name: "Users" })).toBeVisible();
});
