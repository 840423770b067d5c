import type { Page, TestInfo } from "@playwright/test";
import { PASSWORD, accounts } from "../global-setup";
import { expect, expectAccessible, runTag, settled, signIn, signUpAndConfirm, test } from "./support";

const stamp = Date.now().toString(36).toUpperCase();

async function heading(page: Page) {
  return page.getByRole("heading", { level: 1 });
}

async function signUp(page: Page, testInfo: TestInfo, name: string, email: string) {
  await signUpAndConfirm(page, testInfo, name, email, PASSWORD);
}

async function signOut(page: Page, testInfo: TestInfo) {
  await settled(page, testInfo);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signed-out$/);
}

test("a registration is checked by an admin, and a colleague asks its editor for access", async ({ page }, testInfo) => {
  const tag = `${runTag(testInfo).toLowerCase()}-${stamp.toLowerCase()}`;
  const owner = { name: "Olu Owner", email: `e2e-owner-${tag}@example.co.uk` };
  const colleague = { name: "Cat Colleague", email: `e2e-colleague-${tag}@example.co.uk` };
  const organisation = `Verity Roofing ${runTag(testInfo)} ${stamp} Ltd`;

  // The owner registers: the record is a claim until an admin verifies it.
  await signUp(page, testInfo, owner.name, owner.email);
  await page.getByRole("link", { name: "Register a supplier organisation" }).click();
  await settled(page, testInfo);
  await page.getByLabel("Organisation name").fill(organisation);
  await page.getByRole("button", { name: "Register organisation" }).click();
  await expect(await heading(page)).toHaveText(organisation);
  await expect(page.getByText("not yet verified by Procurement Commons")).toBeVisible();
  const supplierPage = page.url();
  await expectAccessible(page, testInfo);
  await signOut(page, testInfo);

  // The admin finds it among the registrations to check and verifies it.
  await page.goto("/sign-in");
  await signIn(page, testInfo, accounts.admin.email, PASSWORD);
  await expect(await heading(page)).toHaveText("Your account");
  await page.getByRole("link", { name: "Check supplier registrations and requests for access" }).click();
  await expect(await heading(page)).toHaveText("Supplier records to check");
  await expectAccessible(page, testInfo);
  await page.getByRole("link", { name: organisation }).click();
  await settled(page, testInfo);
  await page.getByRole("link", { name: "Verify this supplier" }).click();
  await expect(await heading(page)).toHaveText(`Verify ${organisation}?`);
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
  await page.getByRole("button", { name: "Verify supplier" }).click();
  await expect(page.getByText("This supplier is now verified.")).toBeVisible();
  await expect(page.getByText("not yet verified by Procurement Commons")).toHaveCount(0);
  await expectAccessible(page, testInfo);
  await signOut(page, testInfo);

  // A colleague asks to edit it.
  await signUp(page, testInfo, colleague.name, colleague.email);
  await page.goto(supplierPage);
  await settled(page, testInfo);
  await page.getByRole("link", { name: "Ask to edit this supplier" }).click();
  await expect(await heading(page)).toHaveText("Ask to edit this supplier");
  await settled(page, testInfo);
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByRole("alert")).toContainText("Enter your role at the organisation");
  await expectAccessible(page, testInfo);
  await settled(page, testInfo);
  await page.getByLabel("Your role at the organisation").fill("Bid manager; Olu Owner can confirm");
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByText("Your request has been sent.")).toBeVisible();
  await signOut(page, testInfo);

  // The owner grants it.
  await page.goto("/sign-in");
  await signIn(page, testInfo, owner.email, PASSWORD);
  await page.goto(supplierPage);
  await expect(page.getByText("Bid manager; Olu Owner can confirm")).toBeVisible();
  await settled(page, testInfo);
  await page.getByRole("link", { name: `Decide on ${colleague.name} (${colleague.email})` }).click();
  await expect(await heading(page)).toHaveText(`Let ${colleague.name} (${colleague.email}) edit this supplier?`);
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
  await page.getByLabel("Let them edit this supplier").check();
  await page.getByRole("button", { name: "Save decision" }).click();
  await expect(page.getByText("Your decision has been saved.")).toBeVisible();
  await expect(page.locator("dt", { hasText: `${colleague.name} (${colleague.email})` })).toBeVisible();
  await expectAccessible(page, testInfo);
});
