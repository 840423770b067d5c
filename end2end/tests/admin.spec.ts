import { PASSWORD, accounts } from "../global-setup";
import { expect, expectAccessible, settled, signIn, test } from "./support";

test("an admin finds a person, grants them a role and removes it again", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await signIn(page, testInfo, accounts.admin.email, PASSWORD);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
  await page.getByRole("link", { name: "Manage users and roles" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Users");
  await settled(page, testInfo);
  await page.getByLabel("Name or email address").fill("e2e-subject");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText("Showing 1 to 1 of 1 accounts")).toBeVisible();
  await expect(page.getByRole("cell", { name: "Council buyer for Leeds" })).toBeVisible();
  await expectAccessible(page, testInfo);
  await page.getByRole("link", { name: accounts.subject.name }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(accounts.subject.name);
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);

  await page.getByRole("link", { name: "Grant a role" }).click();
  await settled(page, testInfo);
  // A coordinator role without its footprint is refused, naming the field.
  await page.getByLabel("Footprint coordinator").check();
  await page.getByRole("button", { name: "Grant role" }).click();
  await expect(page.getByRole("alert")).toContainText("Enter the footprint");
  await expect(page).toHaveTitle(/^Error: Grant a role/);
  await expect(page.getByLabel("Footprint coordinator")).toBeChecked();
  await expectAccessible(page, testInfo);
  await settled(page, testInfo);
  await page.getByLabel("For which council, footprint or supplier").fill("E47000003");
  await page.getByRole("button", { name: "Grant role" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(accounts.subject.name);
  const granted = page.getByRole("link", { name: /^Remove Footprint coordinator for / });
  await expect(granted).toBeVisible();

  await settled(page, testInfo);
  await granted.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Remove the role Footprint coordinator for .+\?$/);
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
  await page.getByRole("button", { name: "Remove role" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(accounts.subject.name);
  await expect(page.getByRole("link", { name: /^Remove Footprint coordinator/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Remove Council buyer for Leeds" })).toBeVisible();
});
