import { expect, expectAccessible, settled, test, visit } from "./support";

test("frameworks → framework → lot → supplier, all labelled as demo data", async ({ page }, testInfo) => {
  await visit(page, testInfo, "/");
  await page.getByRole("link", { name: "Browse frameworks" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Frameworks");
  await expect(page.getByText(/^Showing 1 to 50 of \d+ frameworks$/)).toBeVisible();
  await expect(page.getByText("Demo data:")).toBeVisible();
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);

  // Digital Outcomes and Specialists (RM1043iii) is on the second page (the
  // count may include frameworks the editing journeys added, hence \d+).
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page.getByText(/^Showing 51 to 100 of \d+ frameworks$/)).toBeVisible();
  await page.getByRole("link", { name: "RM1043iii", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("RM1043iii: Digital Outcomes and Specialists");
  await expect(page.getByRole("heading", { name: /lots$/ })).toBeVisible();
  await expectAccessible(page, testInfo);

  await page.getByRole("link", { name: "Digital Outcomes", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Lot 1: Digital Outcomes");
  await expect(page.getByText("Showing 1 to 43 of 43 suppliers")).toBeVisible();
  await expectAccessible(page, testInfo);

  const supplierName = (await page.locator("tbody tr th a").first().textContent())!.trim();
  await page.locator("tbody tr th a").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(supplierName);
  await expect(page.getByRole("heading", { name: /^Places on \d+ framework lots$/ })).toBeVisible();
  await expectAccessible(page, testInfo);
});

test("frameworks of other owners and what the CCS website publishes, imported", async ({ page }, testInfo) => {
  await visit(page, testInfo, "/frameworks");
  await settled(page, testInfo);
  await page.getByLabel("Owner", { exact: true }).selectOption("ESPO");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/owner=ESPO/);
  await page.getByRole("link", { name: "dfe:books", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("dfe:books: Books and related materials");
  await expect(page.getByText(/^Deals for curriculum materials/)).toBeVisible();
  await expect(page.getByText("DfE Find a framework list")).toBeVisible();
  await expectAccessible(page, testInfo);

  await visit(page, testInfo, "/frameworks?owner=Crown+Commercial+Service&status=live&page=1");
  // Live until 2028, so on the first page of live CCS frameworks for a while yet.
  await page.getByRole("link", { name: "RM6348", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("RM6348: Adult Skills and Learning DPS");
  await expect(page.getByRole("heading", { name: "Benefits" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "How to buy" })).toBeVisible();
  await expect(page.getByText("CCS website agreements; last changed by ccs_website_agreements_2026.csv.gz")).toBeVisible();
  await expectAccessible(page, testInfo);
});

test("the frameworks list paginates both ways", async ({ page }, testInfo) => {
  await visit(page, testInfo, "/frameworks?page=7");
  await expect(page.getByText(/^Showing 301 to \d+ of \d+ frameworks$/)).toBeVisible();
  await page.getByRole("link", { name: "Previous page" }).click();
  await expect(page.getByText(/^Showing 251 to 300 of \d+ frameworks$/)).toBeVisible();
  await settled(page, testInfo);
  await page.getByLabel("Status", { exact: true }).selectOption("dates-not-published");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText("Showing 1 to 50 of 246 frameworks")).toBeVisible();
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/status=dates-not-published&page=2/);
  await expect(page.getByText("Showing 51 to 100 of 246 frameworks")).toBeVisible();
  await expectAccessible(page, testInfo);
});

test("a council's awarded contracts lead to the contract and its suppliers", async ({ page }, testInfo) => {
  await visit(page, testInfo, "/councils/E06000047");
  await expect(page.getByRole("heading", { name: "Contracts", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "DurhamWorks Provider Panel for Employment Routeways (2020-2021)" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "DurhamWorks Provider Panel for Employment Routeways (2020-2021)",
  );
  await expect(page.getByText("£700,000")).toBeVisible();
  await expect(page.getByText("Demo data:")).toBeVisible();
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
  await page.getByRole("link", { name: "Groundwork North East" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Groundwork North East");
  await expect(page.getByRole("heading", { name: "Contracts awarded" })).toBeVisible();
  await expectAccessible(page, testInfo);
});

test("suppliers can be searched by name", async ({ page }, testInfo) => {
  await visit(page, testInfo, "/suppliers");
  await expect(page.getByText(/^Showing 1 to 50 of \d+ suppliers$/)).toBeVisible();
  await page.getByLabel("Supplier name").fill("accenture");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/name=accenture/);
  await expect(page.getByText(/^Showing 1 to \d+ of \d+ suppliers$/)).toBeVisible();
  await expect(page.locator("tbody tr th a").first()).toContainText(/accenture/i);
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
});
