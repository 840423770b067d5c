import { PASSWORD, accounts } from "../global-setup";
import { emailedLink, expect, expectAccessible, runTag, settled, signIn, signUpAndConfirm, test, visit } from "./support";

test("a person changes their password and signs in with the new one", async ({ page }, testInfo) => {
  const person = runTag(testInfo) === "ON" ? accounts.changerON : accounts.changerOFF;
  const newPassword = "harbour violet kettle";
  await page.goto("/sign-in");
  await signIn(page, testInfo, person.email, PASSWORD);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
  await settled(page, testInfo);
  await page.getByRole("link", { name: "Change your password" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Change your password");
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
  // A wrong current password is refused, naming the field.
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert")).toContainText("Your current password is not right");
  await expect(page).toHaveTitle(/^Error: Change your password/);
  await expectAccessible(page, testInfo);
  await settled(page, testInfo);
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password has been changed")).toBeVisible();
  await expectAccessible(page, testInfo);

  // Signing out everywhere ends this session too; the new password signs in.
  await settled(page, testInfo);
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/signed-out$/);
  await page.goto("/sign-in");
  await signIn(page, testInfo, person.email, newPassword);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
});

test("a person who forgot their password resets it from the emailed link", async ({ page }, testInfo) => {
  const email = `e2e-forgetful-${runTag(testInfo).toLowerCase()}-${Date.now().toString(36)}@example.gov.uk`;
  await signUpAndConfirm(page, testInfo, "Fran Forgetful", email, PASSWORD);
  await settled(page, testInfo);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signed-out$/);

  await page.goto("/sign-in");
  await settled(page, testInfo);
  await page.getByRole("link", { name: "Forgotten your password?" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reset your password");
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check your email");
  await expectAccessible(page, testInfo);

  const link = await emailedLink(email, "/reset-password");
  await visit(page, testInfo, link);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Choose a new password");
  await page.getByLabel("New password").fill("password123");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert")).toContainText("Password is too easy to guess");
  await expectAccessible(page, testInfo);
  await settled(page, testInfo);
  await page.getByLabel("New password").fill("harbour violet kettle");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password has been changed and you have been signed out everywhere.")).toBeVisible();
  await signIn(page, testInfo, email, "harbour violet kettle");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");

  // The link worked once.
  await visit(page, testInfo, link);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You cannot use this link");
  await expect(page.getByText("This link has already been used")).toBeVisible();
});
