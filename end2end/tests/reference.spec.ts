import { expect, expectAccessible, settled, test, visit } from "./support";

test("home → footprints → Greater Manchester lists its 10 councils", async ({ page }, testInfo) => {
  await visit(page, testInfo, "/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Procurement Commons");

  await page.getByRole("link", { name: "Browse devolution footprints" }).click();
  await expect(page).toHaveURL(/\/footprints$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Devolution footprints");
  await expect(page.getByText("16 footprints")).toBeVisible();
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);

  await page.getByRole("link", { name: "Greater Manchester Combined Authority" }).click();
  await expect(page).toHaveURL(/\/footprints\/E47000001$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Greater Manchester Combined Authority");
  await expect(page.getByRole("heading", { name: "10 member councils" })).toBeVisible();
  // The member table (the page's demand dashboard has tables of its own).
  const councils = page.getByRole("table", { name: "Member councils" }).locator("tbody tr");
  await expect(councils).toHaveCount(10);
  await expect(councils.first()).toContainText("Bolton Metropolitan Borough Council");
  await expectAccessible(page, testInfo);

  await page.getByRole("link", { name: "Manchester City Council" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Manchester City Council");
  await expect(page.getByText("E08000003")).toBeVisible();
  await expectAccessible(page, testInfo);
});

test("filter councils by region and follow pagination", async ({ page }, testInfo) => {
  await visit(page, testInfo, "/councils");
  await expect(page.getByText("Showing 1 to 50 of 382 councils")).toBeVisible();

  await page.getByLabel("Region").selectOption("South East");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/region=South\+East/);
  await expect(page.getByText("Showing 1 to 50 of 70 councils")).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(50);
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);

  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/region=South\+East&page=2/);
  await expect(page.getByText("Showing 51 to 70 of 70 councils")).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(20);
  await expect(page.getByRole("link", { name: "Page 2" })).toHaveAttribute("aria-current", "page");
  // The filter survives pagination: every row is in the South East.
  await expect(page.locator("tbody tr td:nth-child(3)").filter({ hasNotText: "South East" })).toHaveCount(0);
  await expectAccessible(page, testInfo);

  await page.getByRole("link", { name: "Previous page" }).click();
  await expect(page.getByText("Showing 1 to 50 of 70 councils")).toBeVisible();

  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page.getByText("Showing 1 to 50 of 382 councils")).toBeVisible();
});

test("an unknown filter value is explained, not ignored", async ({ page }, testInfo) => {
  await visit(page, testInfo, "/councils?region=Wessex", 400);
  await expect(page.getByRole("alert")).toContainText("Select a region from the list");
});

test("London lists 33 councils and a missing page is a 404", async ({ page }, testInfo) => {
  await visit(page, testInfo, "/footprints/E61000001");
  await expect(page.getByRole("table", { name: "Member councils" }).locator("tbody tr")).toHaveCount(33);
  await visit(page, testInfo, "/no-such-page", 404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
});
