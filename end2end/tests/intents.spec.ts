import { PASSWORD, accounts } from "../global-setup";
import { expect, expectAccessible, fillDate, heading, runTag, settled, signIn, test, visit } from "./support";

// A Manchester buyer describes a need, sees the same need bought by two
// other Greater Manchester councils (real bundled notices), registers it;
// a Salford buyer joins with its own share; the combined value shows on the
// intent and in the footprint's list of intents.
test("a buyer registers a buying intent after seeing similar purchases, and another council joins", async ({ page }, testInfo) => {
  // The stamp that tells runs apart is a number: the detector drops numbers
  // (as references), so it plays no part in what is similar.
  const title = `Integrated substance misuse treatment and recovery service ${runTag(testInfo)} ${Date.now()}`;
  await page.goto("/sign-in");
  await signIn(page, testInfo, accounts.intentOwner.email, PASSWORD);
  await expect(await heading(page)).toHaveText("Your account");
  await page.getByRole("link", { name: "Register a buying intent for Manchester" }).click();
  await expect(await heading(page)).toHaveText("Register a buying intent");
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);

  // Sent empty: every problem is listed, nothing is saved.
  await page.getByRole("button", { name: "Check for similar purchases" }).click();
  await expect(page.getByRole("alert")).toContainText("Enter what you need to buy");
  await expect(page.getByRole("alert")).toContainText("Enter the date by which you must buy");
  await expectAccessible(page, testInfo);

  await settled(page, testInfo);
  await page.getByLabel("What do you need to buy?").fill(title);
  await page.getByLabel("Describe the need").fill("Drug and alcohol treatment and recovery for adults in Manchester, with needle exchange and shared care with GPs.");
  await page.getByLabel("What is needed (CPV codes)").fill("85100000");
  await page.getByLabel("Your council's estimated value in pounds").fill("3000000");
  await fillDate(page, "Earliest date you could buy", "1", "4", "2027");
  await fillDate(page, "Date by which you must buy", "31", "3", "2028");
  await page.getByLabel("Greater Manchester Combined Authority").check();
  await page.getByRole("button", { name: "Check for similar purchases" }).click();

  // The check: two other councils of the footprint bought the same, with reasons.
  await expect(page.getByRole("heading", { name: "Similar purchases near you" })).toBeVisible();
  const similar = page.getByTestId("similar-purchases");
  await expect(similar).toContainText("Salford City Council");
  await expect(similar).toContainText("Bury Metropolitan Borough Council");
  await expect(similar).toContainText("in your footprint");
  await expect(similar).toContainText("descriptions share:");
  await expectAccessible(page, testInfo);

  await settled(page, testInfo);
  await page.getByRole("button", { name: "Register intent" }).click();
  await expect(await heading(page)).toHaveText(title);
  await expect(page.getByText("Your buying intent is registered")).toBeVisible();
  await expect(page.getByTestId("combined-value")).toHaveText("£3,000,000");
  const intentPath = new URL(page.url()).pathname;
  await expectAccessible(page, testInfo);

  // A Salford buyer joins with its own share.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.goto("/sign-in");
  await signIn(page, testInfo, accounts.intentJoiner.email, PASSWORD);
  await expect(await heading(page)).toHaveText("Your account");
  await visit(page, testInfo, intentPath);
  await page.getByRole("link", { name: "Join this intent" }).click();
  await expect(await heading(page)).toHaveText("Join this intent");
  await settled(page, testInfo);
  await page.getByLabel("Your council's estimated value in pounds").fill("1,250,000");
  await page.getByLabel("Volume (optional)").fill("Adults in Salford, about 1,400 in treatment");
  await page.getByLabel("Committed").check();
  await page.getByRole("button", { name: "Save your council's part" }).click();
  await expect(page.getByText("Your council's part in this intent is saved.")).toBeVisible();
  await expect(page.getByTestId("combined-value")).toHaveText("£4,250,000");
  await expect(page.getByRole("cell", { name: "Salford City Council" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Salford City Council joined (£1,250,000)" })).toBeVisible();
  await expectAccessible(page, testInfo);

  // The footprint's intents, and its dashboard, show it with the combined value.
  await visit(page, testInfo, "/intents?footprint=E47000001");
  const row = page.getByRole("row").filter({ hasText: title });
  await expect(row).toContainText("£4,250,000");
  await visit(page, testInfo, "/footprints/E47000001");
  await expect(page.getByRole("heading", { name: "Demand and renewals" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: title })).toContainText("£4,250,000");
  await expect(page.getByRole("heading", { name: "Renewal pipeline" })).toBeVisible();
  await expect(page.getByRole("img", { name: /Contracts ending each quarter/ })).toBeVisible();
});

// Two Greater Manchester councils' rock salt contracts end within a year
// of each other: the dashboard suggests buying together, and the admin
// (acting for Salford) turns the suggestion into an intent in one step.
test("a suggested joint purchase on the footprint dashboard becomes a buying intent", async ({ page }, testInfo) => {
  const tag = `${runTag(testInfo)} ${Date.now()}`;
  await page.goto("/sign-in");
  await signIn(page, testInfo, accounts.admin.email, PASSWORD);
  await expect(await heading(page)).toHaveText("Your account");
  for (const [gss, title, end] of [
    ["E08000006", `Supply of de-icing rock salt for winter gritting ${tag}`, "2027"],
    ["E08000001", `Rock salt for highways gritting ${tag}`, "2027"],
  ]) {
    await visit(page, testInfo, `/councils/${gss}/contracts/new`);
    await page.getByLabel("Title", { exact: true }).fill(title);
    await page.getByLabel("Description (optional)").fill("Supply and delivery of rock salt to the council's gritting depots.");
    await page.getByLabel("Suppliers not listed (optional)").fill("Salt Union Ltd");
    await page.getByLabel("What was bought (CPV codes)").fill("34927100");
    await page.getByLabel("Total value in pounds").fill("400000");
    await fillDate(page, "Start date", "1", "10", "2024");
    await fillDate(page, "End date", "30", "9", end);
    await page.getByRole("button", { name: "Add contract" }).click();
    await expect(await heading(page)).toHaveText(title);
  }
  // The dashboard's duplicate check is rebuilt within seconds of a change.
  const suggestion = page.getByRole("link", { name: "Register this as a buying intent for Salford City Council" }).first();
  await expect(async () => {
    await page.goto("/footprints/E47000001");
    await expect(suggestion).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
  await suggestion.click();
  await expect(await heading(page)).toHaveText("Register a buying intent");
  await expect(page.getByLabel("Describe the need")).toHaveValue(/A joint purchase for .*Salford City Council/);
  await expect(page.getByLabel("What is needed (CPV codes)")).toHaveValue(/34927100/);
  await settled(page, testInfo);
  await page.getByRole("button", { name: "Check for similar purchases" }).click();
  await expect(page.getByTestId("similar-purchases")).toContainText("Bolton Metropolitan Borough Council");
  await settled(page, testInfo);
  await page.getByRole("button", { name: "Register intent" }).click();
  await expect(page.getByText("Your buying intent is registered")).toBeVisible();
  await expect(page.getByRole("link", { name: "Salford City Council" }).first()).toBeVisible();
  await expectAccessible(page, testInfo);

  // The national view compares the footprints.
  await visit(page, testInfo, "/demand");
  await expect(page.getByRole("row").filter({ hasText: "Greater Manchester Combined Authority" })).toBeVisible();
});
