import { PASSWORD, accounts } from "../global-setup";
import { expect, expectAccessible, heading, runTag, settled, signIn, test, visit } from "./support";

// A supplier's page leads to the councils' demand matching its offers; a
// signed-in person follows a footprint's demand by email from its dashboard,
// sees it on their account, and stops it again.
test("someone follows a footprint's demand by email and stops it; a supplier's matching demand", async ({ page }, testInfo) => {
  const person = runTag(testInfo) === "ON" ? accounts.followerON : accounts.followerOFF;

  await visit(page, testInfo, "/suppliers");
  await page.locator("main table a").first().click();
  await settled(page, testInfo);
  await page.getByRole("link", { name: "Councils' demand matching these offers" }).click();
  await expect(await heading(page)).toHaveText(/^Demand matching .*'s offers$/);
  await expect(page.getByTestId("demand-count")).toBeVisible();
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);

  await page.goto("/sign-in");
  await signIn(page, testInfo, person.email, PASSWORD);
  await expect(await heading(page)).toHaveText("Your account");
  await visit(page, testInfo, "/footprints/E47000001");
  await page.getByRole("link", { name: "Get a weekly email of new demand in Greater Manchester Combined Authority" }).click();
  await expect(await heading(page)).toHaveText("Demand you follow");
  await expect(page.getByLabel("Footprint or category")).toHaveValue("footprint:E47000001");
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
  await page.getByRole("button", { name: "Follow" }).click();
  await expect(page.getByText("You will get a weekly email when there is new demand in what you follow.")).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: "Demand in Greater Manchester Combined Authority" });
  await expect(row).toBeVisible();
  await expectAccessible(page, testInfo);

  await settled(page, testInfo);
  await row.getByRole("link", { name: /Stop following/ }).click();
  await expect(await heading(page)).toHaveText("Stop following Demand in Greater Manchester Combined Authority?");
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
  await page.getByRole("button", { name: "Stop following" }).click();
  await expect(page.getByText("You will no longer get emails about it.")).toBeVisible();
  await expect(page.getByText("You do not follow any demand yet.")).toBeVisible();
  await expectAccessible(page, testInfo);
});
