import { readFileSync } from "node:fs";
import type { Locator, Page, TestInfo } from "@playwright/test";
import { PASSWORD, accounts } from "../global-setup";
import { expect, expectAccessible, fillDate, heading, jsEnabled, settled, signIn, test, visit } from "./support";

// The curator's framework is what the later journeys search for.
test.describe.configure({ mode: "serial" });

const stamp = Date.now().toString(36).toUpperCase();
/** A word only this run's framework has (JS-on and JS-off runs keep apart). */
const word = (testInfo: TestInfo) => (jsEnabled(testInfo) ? "Quartzite" : "Basaltic");
const title = (testInfo: TestInfo) => `${word(testInfo)} winter gritting services ${stamp}`;
const reference = (testInfo: TestInfo) => `GRIT-${jsEnabled(testInfo) ? "ON" : "OFF"}-${stamp}`;

/** The results list (not the facets or the header). */
const results = (page: Page) => page.locator("ol.pc-search-results");

/** Opens `path` until the search index has caught up: `link` is listed and,
 *  when given, `also` is on the page too (a change applied after the first
 *  one, such as a lot's CPV code reaching its framework). The applier takes
 *  well under a second; this allows for a busy machine. */
async function searchUntilListed(page: Page, testInfo: TestInfo, path: string, link: string, also?: (page: Page) => Locator) {
  await expect(async () => {
    await visit(page, testInfo, path);
    await expect(results(page).getByRole("link", { name: link })).toBeVisible({ timeout: 500 });
    if (also) await expect(also(page)).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 30_000 });
}

/** The CPV division facet the gritting lot's code (90620000) falls under. */
const snowClearingDivision = (page: Page) =>
  page
    .getByRole("navigation", { name: "Category (CPV)" })
    .getByRole("link", { name: /^90 Sewage, refuse, cleaning and environmental services \(\d+\)$/ });

test("a framework listed for Greater Manchester is found, filtered by CPV and footprint, opened, and back keeps the filters", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await signIn(page, testInfo, accounts.searchCurator.email, PASSWORD);
  await expect(await heading(page)).toHaveText("Your account");
  await visit(page, testInfo, "/frameworks/new");
  await page.getByLabel("Framework reference").fill(reference(testInfo));
  await page.getByLabel("Title").fill(title(testInfo));
  await page.getByLabel("Owner", { exact: true }).fill("Greater Manchester Combined Authority");
  await page.getByLabel("Owning footprint body").selectOption({ label: "Greater Manchester Combined Authority" });
  await fillDate(page, "Start date", "1", "4", "2026");
  await fillDate(page, "End date", "31", "3", "2030");
  await page.getByLabel("Further competition").check();
  await page.getByLabel("Only the buyers selected below").check();
  await page
    .getByRole("group", { name: "Footprints (if only selected buyers)" })
    .getByLabel("Greater Manchester Combined Authority")
    .check();
  await page.getByRole("button", { name: "Add framework" }).click();
  await expect(await heading(page)).toHaveText(`${reference(testInfo)}: ${title(testInfo)}`);
  await settled(page, testInfo);
  await page.getByRole("link", { name: "Add a lot" }).click();
  await settled(page, testInfo);
  await page.getByLabel("Lot number").fill("1");
  await page.getByLabel("Title").fill("Snow clearing and gritting");
  await page.getByLabel("CPV codes (optional)").fill("90620000");
  await page.getByRole("button", { name: "Add lot" }).click();
  await expect(page.getByRole("link", { name: "Snow clearing and gritting" })).toBeVisible();

  // Search: the framework (with its lot's CPV code), its matched words highlighted.
  await searchUntilListed(page, testInfo, `/search?q=${word(testInfo)}+gritting`, title(testInfo), snowClearingDivision);
  await expect(results(page).locator("mark").first()).toHaveText(word(testInfo));

  // CPV division, then the footprint: each a link that keeps the rest.
  await snowClearingDivision(page).click();
  await expect(page).toHaveURL(/[?&]cpv=90(&|$)/);
  await settled(page, testInfo);
  await page
    .getByRole("navigation", { name: "Footprint" })
    .getByRole("link", { name: /^Greater Manchester Combined Authority \(\d+\)$/ })
    .click();
  await expect(page).toHaveURL(/[?&]cpv=90(&|$)/);
  await expect(page).toHaveURL(/[?&]footprint=E47000001(&|$)/);
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
  const filtered = page.url();
  // The CPV facet now counts the next level down.
  await expect(page.getByRole("navigation", { name: "Category (CPV)" }).getByRole("link", { name: /^906 / })).toBeVisible();

  await results(page).getByRole("link", { name: title(testInfo) }).click();
  await expect(await heading(page)).toHaveText(`${reference(testInfo)}: ${title(testInfo)}`);
  await page.goBack();
  await expect(page).toHaveURL(filtered);
  await expect(page.getByRole("navigation", { name: "Footprint" }).locator("[aria-current=true]")).toContainText(
    "Greater Manchester Combined Authority",
  );
  await expect(results(page).getByRole("link", { name: title(testInfo) })).toBeVisible();
});

test("with JavaScript, results follow the typing and the address follows the search", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "without JavaScript the search is the GET form, covered above");
  await visit(page, testInfo, "/search");
  const box = page.getByRole("main").getByLabel(/^Search frameworks, lots/);
  await box.pressSequentially(`${word(testInfo)} gritting`, { delay: 20 });
  // No button pressed: the results region was swapped in, and the URL is the search's link.
  await expect(results(page).getByRole("link", { name: title(testInfo) })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/search\\?q=${word(testInfo)}\\+gritting$`));
  await expect(page.getByRole("status")).toContainText(/\d+ results?/);
  await expectAccessible(page, testInfo);
  // The link it made opens the same search.
  await visit(page, testInfo, page.url());
  await expect(box).toHaveValue(`${word(testInfo)} gritting`);
  await expect(results(page).getByRole("link", { name: title(testInfo) })).toBeVisible();
});

test("a council buyer saves the results as a shortlist and downloads it as CSV", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await signIn(page, testInfo, accounts.shortlister.email, PASSWORD);
  await expect(await heading(page)).toHaveText("Your account");
  await searchUntilListed(page, testInfo, `/search?q=${word(testInfo)}+gritting&kind=framework`, title(testInfo));
  await page.getByRole("link", { name: "Save these results as a shortlist" }).click();
  await expect(await heading(page)).toHaveText("Save these results as a shortlist");
  await expect(page.getByText(/^\d+ results?; all are kept$/)).toBeVisible();
  await settled(page, testInfo);

  // No name: the error names the field, nothing is saved.
  await page.getByRole("button", { name: "Save shortlist" }).click();
  await expect(page.getByRole("alert")).toContainText("Enter a name for the shortlist");
  await expectAccessible(page, testInfo);
  const name = `Gritting options ${word(testInfo)} ${stamp}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Save shortlist" }).click();
  await expect(await heading(page)).toHaveText(name);
  await expect(page.getByRole("table").getByRole("link", { name: title(testInfo) })).toBeVisible();
  await expectAccessible(page, testInfo);

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download as CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^gritting-options-[a-z]+-[a-z0-9]+-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, "utf8");
  const [header, ...rows] = csv.trim().split("\n");
  expect(header).toContain("Shortlist,Council,Frozen at (UTC),Search,Search link,Results found");
  const row = rows.find((line) => line.includes(title(testInfo)));
  expect(row, "the framework's row").toBeDefined();
  expect(row).toContain(name);
  expect(row).toContain(`/search?q=${word(testInfo)}+gritting&kind=framework`);

  // The saved search runs again; then the shortlist is removed.
  await page.getByRole("link", { name: "Run this search again" }).click();
  await expect(page).toHaveURL(new RegExp(`/search\\?q=${word(testInfo)}\\+gritting&kind=framework$`));
  await page.goBack();
  await settled(page, testInfo);
  await page.getByRole("link", { name: "Remove this shortlist" }).click();
  await expect(await heading(page)).toHaveText(`Remove the shortlist \u201c${name}\u201d?`);
  await settled(page, testInfo);
  await page.getByRole("button", { name: "Remove shortlist" }).click();
  await expect(await heading(page)).toHaveText("Shortlists");
  await expect(page.getByRole("link", { name })).toHaveCount(0);
});
