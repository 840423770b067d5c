import { accounts, PASSWORD } from "../global-setup";
import { expect, expectAccessible, runTag, settled, signIn, test } from "./support";

const stamp = Date.now().toString(36).toUpperCase();

/** A register in the Transparency Code layout, with one row for another
 *  council and one without a title (both refused), unique to this run. */
function register(tag: string): string {
  const ref = (n: number) => `E2E-${tag}-${stamp}-${n}`;
  return [
    "Contract Reference,Title of Agreement,Supplier Name,Start Date,End Date,Total Value (£),Organisation",
    `${ref(1)},Parks grounds maintenance ${tag},Green Spaces Ltd,01/04/2026,31/03/2029,"450,000",Manchester City Council`,
    `${ref(2)},Pest control ${tag},Pest Ltd,01/05/2026,30/04/2028,90000,Manchester`,
    `${ref(3)},Gritting ${tag},Salt Ltd,,,,Leeds City Council`,
    `${ref(4)},,,,,,`,
  ].join("\n") + "\n";
}

test("a council buyer imports their contract register after checking the preview", async ({ page }, testInfo) => {
  // Eleven pages, some with long contract tables, each checked by axe as
  // served when the test ends: on a busy 2-core CI machine that alone can
  // pass the default two minutes.
  test.setTimeout(300_000);
  const tag = runTag(testInfo);
  await page.goto("/sign-in");
  await signIn(page, testInfo, accounts.buyer.email, PASSWORD);
  await page.goto("/councils/E08000003");
  await page.getByRole("link", { name: "Import contracts from your register (CSV)" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Import contracts from your register");
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);

  // Sending no file says what to do, on the field.
  await page.getByRole("button", { name: "Check the file" }).click();
  await expect(page.getByRole("alert")).toContainText("Choose a CSV file of your contract register");
  await expectAccessible(page, testInfo);

  await page.getByLabel("Contract register (CSV)").setInputFiles({
    name: `register-${tag}.csv`,
    mimeType: "text/csv",
    buffer: Buffer.from(register(tag)),
  });
  await page.getByRole("button", { name: "Check the file" }).click();
  await expect(page.getByRole("heading", { name: `What register-${tag}.csv would do` })).toBeVisible();
  await expect(page.getByRole("cell", { name: `Parks grounds maintenance ${tag}` })).toBeVisible();
  await expect(page.getByText("Organisation names Leeds City Council, not Manchester City Council")).toBeVisible();
  await expect(page.getByText("Title of Agreement is empty")).toBeVisible();
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);

  // Nothing is saved before the confirmation.
  const council = await page.context().newPage();
  await council.goto("/councils/E08000003");
  await expect(council.getByRole("link", { name: `Parks grounds maintenance ${tag}` })).toHaveCount(0);

  await page.getByRole("button", { name: "Import 2 contracts" }).click();
  await expect(page.getByText("2 contracts added, 0 changed")).toBeVisible();
  await expectAccessible(page, testInfo);
  await council.reload();
  await council.getByRole("link", { name: `Parks grounds maintenance ${tag}` }).click();
  await expect(council.getByText("£450,000")).toBeVisible();
  await expect(council.getByText("The council's Transparency Code publication")).toBeVisible();
  await council.close();
});
