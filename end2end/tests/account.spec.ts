import { expect, test } from "@playwright/test";
import { PASSWORD, accounts } from "../global-setup";
import { expectAccessible, runTag, settled, signIn } from "./support";

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
