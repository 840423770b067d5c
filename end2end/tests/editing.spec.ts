import type { Page, TestInfo } from "@playwright/test";
import { PASSWORD, accounts } from "../global-setup";
import { expect, expectAccessible, fillDate, heading, jsEnabled, runTag, settled, signIn, signUpAndConfirm, test, visit } from "./support";

// The coordinator's framework is the one the council buyer calls off, so the
// journeys in this file run in order.
test.describe.configure({ mode: "serial" });

const stamp = Date.now().toString(36).toUpperCase();
const reference = (testInfo: TestInfo) => `GM-E2E-${runTag(testInfo)}-${stamp}`;
const supplierName = (testInfo: TestInfo) => `Northern Pixel ${runTag(testInfo)} ${stamp} Ltd`;

test("an anonymous visitor is sent to sign in from an edit page, then brought back", async ({ page }, testInfo) => {
  const response = await page.goto("/frameworks/new");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fframeworks%2Fnew$/);
  await expect(await heading(page)).toHaveText("Sign in");
  await expect(page.getByText("You need to sign in to see that page.")).toBeVisible();
  await expectAccessible(page, testInfo);

  // A wrong password: GOV.UK error summary, email kept, password not.
  await signIn(page, testInfo, accounts.returningCoordinator.email, "not the right password");
  await expect(page.getByRole("alert")).toContainText("The email address or password is not right");
  await expect(page.getByLabel("Email address")).toHaveValue(accounts.returningCoordinator.email);
  await expect(page.getByLabel("Password")).toHaveValue("");
  await expect(page).toHaveTitle(/^Error: Sign in/);
  await expectAccessible(page, testInfo);

  await signIn(page, testInfo, accounts.returningCoordinator.email, PASSWORD);
  await expect(page).toHaveURL(/\/frameworks\/new$/);
  await expect(await heading(page)).toHaveText("Add a framework");
});

test("a coordinator creates a framework with two lots and adds suppliers", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await signIn(page, testInfo, accounts.coordinator.email, PASSWORD);
  await expect(await heading(page)).toHaveText("Your account");
  await expect(page.getByRole("cell", { name: "Footprint coordinator" })).toBeVisible();
  await page.getByRole("link", { name: "Add a framework" }).click();
  await expect(await heading(page)).toHaveText("Add a framework");
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);

  // Sending it empty lists every problem, each linked to its field.
  await page.getByRole("button", { name: "Add framework" }).click();
  const summary = page.getByRole("alert");
  await expect(summary).toContainText("Enter the framework reference");
  await expect(summary).toContainText("Enter the start date");
  await expect(summary).toContainText("Select at least one route to market");
  await expectAccessible(page, testInfo);

  await settled(page, testInfo);
  await page.getByLabel("Framework reference").fill(reference(testInfo));
  await page.getByLabel("Title").fill("Housing repairs and maintenance");
  await page.getByLabel("Owner", { exact: true }).fill("Greater Manchester Combined Authority");
  await page.getByLabel("Owning footprint body").selectOption({ label: "Greater Manchester Combined Authority" });
  await fillDate(page, "Start date", "1", "4", "2026");
  await fillDate(page, "End date", "31", "3", "2030");
  await page.getByLabel("Direct award").check();
  await page.getByLabel("Further competition").check();
  await page.getByLabel("Levy (optional)").fill("0.5");
  await page.getByLabel("All UK public sector bodies").check();
  await page.getByRole("button", { name: "Add framework" }).click();

  await expect(await heading(page)).toHaveText(`${reference(testInfo)}: Housing repairs and maintenance`);
  const frameworkPage = page.url();
  await expect(page.getByText("Direct award, Further competition")).toBeVisible();
  await expect(page.getByText("0.5%")).toBeVisible();
  await expectAccessible(page, testInfo);

  for (const [number, title] of [["1", "Responsive repairs"], ["2", "Planned maintenance"]]) {
    await settled(page, testInfo);
    await page.getByRole("link", { name: "Add a lot" }).click();
    await expect(await heading(page)).toHaveText("Add a lot");
    await settled(page, testInfo);
    await page.getByLabel("Lot number").fill(number);
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("CPV codes (optional)").fill("50700000");
    await page.getByRole("button", { name: "Add lot" }).click();
    await expect(page.getByRole("link", { name: title })).toBeVisible();
  }
  await expect(page.getByRole("heading", { name: "2 lots" })).toBeVisible();
  await expectAccessible(page, testInfo);

  await page.getByRole("link", { name: "Responsive repairs" }).click();
  await expect(await heading(page)).toHaveText("Lot 1: Responsive repairs");
  for (const name of [supplierName(testInfo), `Second Trade ${runTag(testInfo)} ${stamp} Ltd`]) {
    await settled(page, testInfo);
    await page.getByRole("link", { name: "Add a supplier to this lot" }).click();
    await settled(page, testInfo);
    // Not listed yet: the search finds nothing, so the coordinator adds it.
    await findSupplier(page, testInfo, name);
    await expect(page.getByText(`No listed supplier matches ‘${name}’.`)).toBeVisible();
    await page.getByLabel("A supplier not listed here").check();
    await page.getByLabel("Name of the supplier not listed").fill(name);
    await page.getByLabel("Active").check();
    await page.getByRole("button", { name: "Add supplier" }).click();
    await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  }
  await expect(page.getByText("Showing 1 to 2 of 2 suppliers")).toBeVisible();
  await expectAccessible(page, testInfo);

  // The coordinator suspends the second supplier from the lot page.
  const second = `Second Trade ${runTag(testInfo)} ${stamp} Ltd`;
  await settled(page, testInfo);
  await page.getByRole("link", { name: `Change status of ${second}` }).click();
  await expect(await heading(page)).toHaveText("Change a supplier's status on this lot");
  await expect(page.getByText(`Supplier: ${second}`)).toBeVisible();
  await expect(page.getByLabel("Active")).toBeChecked();
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
  await page.getByLabel("Suspended").check();
  await page.getByRole("button", { name: "Save status" }).click();
  await expect(await heading(page)).toHaveText("Lot 1: Responsive repairs");
  await expect(page.getByRole("row", { name: new RegExp(second) })).toContainText("suspended");

  // The first supplier goes on lot 2 too, picked from the search by id.
  await page.goto(frameworkPage);
  await page.getByRole("link", { name: "Planned maintenance" }).click();
  await settled(page, testInfo);
  await page.getByRole("link", { name: "Add a supplier to this lot" }).click();
  await settled(page, testInfo);
  await findSupplier(page, testInfo, supplierName(testInfo));
  await expectAccessible(page, testInfo);
  await page.getByLabel(supplierName(testInfo), { exact: true }).check();
  await page.getByLabel("Active").check();
  await page.getByRole("button", { name: "Add supplier" }).click();
  await expect(await heading(page)).toHaveText("Lot 2: Planned maintenance");
  await expect(page.getByRole("link", { name: supplierName(testInfo), exact: true })).toBeVisible();
});

/** Searches the supplier finder: with JavaScript the results follow the
 *  typing (no button pressed); without it the search is a plain GET that
 *  reloads the page. */
async function findSupplier(page: Page, testInfo: TestInfo, text: string) {
  if (jsEnabled(testInfo)) {
    await page.getByLabel("Find the supplier").pressSequentially(text, { delay: 5 });
    await expect(page.getByLabel("Find the supplier")).toHaveValue(text);
    // The live search has answered: a match, or the "no match" line.
    await expect(
      page.getByLabel(text, { exact: true }).or(page.getByText(`No listed supplier matches ‘${text}’.`)),
    ).toBeVisible();
    return;
  }
  await page.getByLabel("Find the supplier").fill(text);
  // The page's own button, not the header's site search.
  await page.getByRole("main").getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`supplier_q=${encodeURIComponent(text).replace(/%20/g, "\\+")}`));
}

test("a council buyer adds a contract as a call-off from that framework", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await signIn(page, testInfo, accounts.buyer.email, PASSWORD);
  await expect(await heading(page)).toHaveText("Your account");
  await page.getByRole("link", { name: "Add a contract for Manchester" }).click();
  await expect(await heading(page)).toHaveText("Add a contract");
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);

  // Search first (without JavaScript, searching reloads the page).
  await findSupplier(page, testInfo, supplierName(testInfo));
  await page.getByLabel(supplierName(testInfo), { exact: true }).check();
  await page.getByLabel("Title", { exact: true }).fill("Responsive repairs, north Manchester");
  await page.getByLabel("What was bought (CPV codes)").fill("50700000");
  await page.getByLabel("Total value in pounds").fill("-5");
  await fillDate(page, "Start date", "1", "6", "2026");
  await fillDate(page, "End date", "31", "5", "2028");
  await page.getByLabel("Framework reference").fill(reference(testInfo));
  await page.getByLabel("Lot number").fill("1");
  await page.getByRole("button", { name: "Add contract" }).click();
  // A negative value is refused; everything typed is still there.
  await expect(page.getByRole("alert")).toContainText("Contract value must be £0 or more");
  await expect(page.getByLabel(supplierName(testInfo), { exact: true })).toBeChecked();
  await expectAccessible(page, testInfo);

  await settled(page, testInfo);
  await page.getByLabel("Total value in pounds").fill("480000");
  await page.getByRole("button", { name: "Add contract" }).click();
  await expect(await heading(page)).toHaveText("Responsive repairs, north Manchester");
  await expect(page.getByRole("link", { name: `${reference(testInfo)} lot 1: Responsive repairs` })).toBeVisible();
  await expect(page.getByText("£480,000")).toBeVisible();
  await expect(page.getByRole("link", { name: supplierName(testInfo) })).toBeVisible();
  await expectAccessible(page, testInfo);
});

test("a supplier registers and lists an offer, and cannot open another supplier's edit page", async ({ page }, testInfo) => {
  const email = `e2e-supplier-${runTag(testInfo).toLowerCase()}-${stamp.toLowerCase()}@example.co.uk`;
  await visit(page, testInfo, "/sign-up");
  await page.getByLabel("Full name").fill("Sam Supplier");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Create a password").fill("password123");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert")).toContainText("Password is too easy to guess");
  await expect(page.getByLabel("Full name")).toHaveValue("Sam Supplier");
  await expectAccessible(page, testInfo);
  await signUpAndConfirm(page, testInfo, "Sam Supplier", email, "lantern meadow copper kettle");

  await page.getByRole("link", { name: "Register a supplier organisation" }).click();
  await expect(await heading(page)).toHaveText("Register your organisation as a supplier");
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
  const organisation = `Civic Forms ${runTag(testInfo)} ${stamp} Ltd`;
  await page.getByLabel("Organisation name").fill(organisation);
  await page.getByLabel("Companies House number (optional)").fill("12AB");
  await page.getByRole("button", { name: "Register organisation" }).click();
  await expect(page.getByRole("alert")).toContainText("Enter a Companies House number in the correct format");
  await settled(page, testInfo);
  await page.getByLabel("Companies House number (optional)").fill("");
  await page.getByLabel("Voluntary, community or social enterprise (VCSE)").check();
  await page.getByRole("button", { name: "Register organisation" }).click();
  await expect(await heading(page)).toHaveText(organisation);
  const ownPage = page.url();
  await expectAccessible(page, testInfo);

  await page.getByRole("link", { name: "Add an offer" }).click();
  await expect(await heading(page)).toHaveText("Add an offer");
  await settled(page, testInfo);
  await page.getByLabel("Title").fill("Accessible online forms");
  await page.getByLabel("Summary").fill("Build and host accessible online forms for council services.");
  await page.getByLabel("Features (optional)").fill("Form builder\nPayments");
  await page.getByLabel("Per user per month").check();
  await page.getByLabel("Price in pounds (unless free or on application)").fill("4.50");
  await page.getByLabel("Categories (CPV codes)").fill("72000000");
  await page.getByLabel("Greater Manchester Combined Authority").check();
  await page.getByLabel("Published: anyone can see it").check();
  await page.getByRole("button", { name: "Add offer" }).click();
  await expect(await heading(page)).toHaveText("Accessible online forms");
  await expect(page.getByText("£4.50 per user per month")).toBeVisible();
  await expect(page.getByText("Form builder")).toBeVisible();
  await expectAccessible(page, testInfo);

  await page.goto(ownPage);
  await expect(page.getByRole("link", { name: "Accessible online forms" })).toBeVisible();

  // Buyers find the published offer in the public list, by category and footprint.
  await visit(page, testInfo, "/offers");
  await page.getByLabel("Category", { exact: true }).selectOption("72");
  await page.getByLabel("Footprint served", { exact: true }).selectOption({ label: "Greater Manchester Combined Authority" });
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/category=72&footprint=E47000001/);
  const listed = page.getByRole("row", { name: new RegExp(organisation) });
  await expect(listed.first()).toContainText("Accessible online forms");
  await expect(listed.first()).toContainText("£4.50 per user per month");
  await expectAccessible(page, testInfo);

  // Another supplier's edit page: a demo supplier from the catalogue.
  await page.goto("/frameworks?page=2");
  await page.getByRole("link", { name: "RM1043iii", exact: true }).click();
  await page.getByRole("link", { name: "Digital Outcomes", exact: true }).click();
  const href = await page.locator("tbody tr th a").first().getAttribute("href");
  const response = await page.goto(`${href}/edit`);
  expect(response?.status()).toBe(403);
  await expect(await heading(page)).toHaveText("You do not have permission to see this page");
  await expectAccessible(page, testInfo);
});
