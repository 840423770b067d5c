import { expect, expectAccessible, settled, test, visit } from "./support";

test("contracts can be filtered by council and by how soon they end", async ({ page }, testInfo) => {
  await visit(page, testInfo, "/contracts");
  await expect(page.getByText(/^Showing 1 to 50 of \d+ contracts$/)).toBeVisible();
  await page.getByLabel("Council", { exact: true }).selectOption({ label: "Durham County Council" });
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/council=E06000047/);
  await expect(page.getByText(/^Showing 1 to \d+ of \d+ contracts$/)).toBeVisible();
  await expect(
    page.getByRole("link", { name: "DurhamWorks Provider Panel for Employment Routeways (2020-2021)" }),
  ).toBeVisible();
  // The chosen filter stays selected on the results page.
  await expect(page.getByLabel("Council", { exact: true })).toHaveValue("E06000047");
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);

  // DurhamWorks ended in 2021: it is not among Durham's contracts ending in the next 90 days.
  await page.getByLabel("Ends", { exact: true }).selectOption("90");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/ending=90/);
  await expect(page).toHaveURL(/council=E06000047/);
  await expect(page.getByText(/^(No contracts match these filters\.|Showing 1 to \d+ of \d+ contracts)$/)).toBeVisible();
  await expect(
    page.getByRole("link", { name: "DurhamWorks Provider Panel for Employment Routeways (2020-2021)" }),
  ).toHaveCount(0);
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page.getByText(/^Showing 1 to 50 of \d+ contracts$/)).toBeVisible();
});

test("a mistyped filter in a link explains itself", async ({ page }, testInfo) => {
  await visit(page, testInfo, "/contracts?footprint=NOWHERE", 400);
  await expect(page.getByRole("alert")).toContainText("Select a footprint from the list");
  await expect(page.getByRole("link", { name: "Select a footprint from the list" })).toHaveAttribute("href", "#footprint");
  await expect(page.getByLabel("Footprint", { exact: true })).toHaveClass(/govuk-select--error/);
});

test("frameworks can be filtered by owner and by the council that may use them", async ({ page }, testInfo) => {
  await visit(page, testInfo, "/frameworks");
  await page.getByLabel("Owner", { exact: true }).selectOption("Crown Commercial Service");
  await page.getByLabel("May be used by", { exact: true }).selectOption({ label: "Leeds City Council" });
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/owner=Crown\+Commercial\+Service/);
  await expect(page).toHaveURL(/council=E08000035/);
  await expect(page.getByText(/^Showing 1 to 50 of \d+ frameworks$/)).toBeVisible();
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/owner=Crown\+Commercial\+Service&council=E08000035&page=2/);
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
});
