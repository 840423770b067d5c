import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Browser, type Page, type TestInfo } from "@playwright/test";

export { expect };

/** The rules axe applies: WCAG 2.0, 2.1 and 2.2 A and AA, best practice, and
 *  `target-size` (WCAG 2.2 2.5.8, which axe leaves off by default). */
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/** axe-core on an HTML document exactly as the server sent it, rendered with
 *  the real stylesheet in a JS-capable context whose scripts and wasm are
 *  blocked (so what is checked is the served page, not a later DOM). */
async function axeOnServedHtml(browser: Browser, url: string, html: string): Promise<string[]> {
  const context = await browser.newContext({ javaScriptEnabled: true });
  try {
    await context.route(/\.(js|wasm)(\?.*)?$/, (route) => route.abort());
    await context.route(url, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
    const target = await context.newPage();
    await target.goto(url);
    // The page axe sees is the one that was served.
    expect(await target.content(), `the HTML checked at ${url}`).toContain("</html>");
    const results = await new AxeBuilder({ page: target }).withTags(AXE_TAGS).withRules(["target-size"]).analyze();
    return results.violations.map(
      (v) => `${url} ${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`,
    );
  } finally {
    await context.close();
  }
}

/**
 * Every journey's page, with three checks that need no call in the test:
 * every HTML page the server sends (each navigation, form answer and error
 * page) is checked by axe at the end of the test; any uncaught page error or
 * `console.error` fails it; and in the JavaScript-off run nothing hydrated.
 */
export const test = base.extend({
  page: async ({ page, browser }, use, testInfo) => {
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      // Chromium logs every 4xx answer it is given; the journeys ask for
      // those on purpose (a refused form is a 422, a missing page a 404).
      // Anything else, a 5xx included, is a problem.
      if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return;
      problems.push(`console.error: ${message.text()}`);
    });
    const served = new Map<string, string>();
    const reading: Promise<void>[] = [];
    page.on("response", (response) => {
      const request = response.request();
      const type = response.headers()["content-type"] ?? "";
      if (request.resourceType() !== "document" || !type.startsWith("text/html") || response.status() >= 300 && response.status() < 400) return;
      reading.push(
        response.text().then(
          (html) => {
            // One check per distinct page (a form shown again with other errors is another page).
            served.set(`${response.url()}\n${html.length}`, html);
          },
          () => {},
        ),
      );
    });
    await use(page);
    if (!jsEnabled(testInfo)) {
      expect(await page.locator("body[data-hydrated]").count(), "nothing hydrates without JavaScript").toBe(0);
    }
    // A document the journey left before it arrived (a page it navigated
    // away from at once) may never yield its body, and waiting for it hung a
    // CI run's teardown past the test timeout. Every body that arrived is in
    // `served` by the time the others have had ten seconds.
    await Promise.race([Promise.allSettled(reading), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    const violations: string[] = [];
    for (const [key, html] of served) {
      violations.push(...(await axeOnServedHtml(browser, key.split("\n")[0], html)));
    }
    testInfo.annotations.push({ type: "axe-pages", description: String(served.size) });
    expect(violations, "axe violations on pages this journey was served").toEqual([]);
    expect(problems, "page errors and console errors").toEqual([]);
  },
});

export const jsEnabled = (testInfo: TestInfo) => testInfo.project.use.javaScriptEnabled !== false;

/**
 * With JavaScript on, waits until the page's islands have hydrated (clicks
 * before then are lost). Only islands hydrate: a page without one has nothing
 * to wait for, and must not have loaded any script or wasm at all.
 */
export async function settled(page: Page, testInfo: TestInfo) {
  if (!jsEnabled(testInfo)) return;
  await page.waitForLoadState("load");
  if ((await page.locator("leptos-island").count()) > 0) {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    return;
  }
  const loaded = await page.evaluate(() =>
    performance.getEntriesByType("resource").map((entry) => entry.name).filter((name) => /\.(js|wasm)(\?|$)/.test(name)),
  );
  expect(loaded, `scripts and wasm loaded by ${page.url()}, which has no island`).toEqual([]);
}

/** Opens `path`, checks the status, waits for hydration and runs axe. */
export async function visit(page: Page, testInfo: TestInfo, path: string, status = 200) {
  const response = await page.goto(path);
  expect(response?.status(), `status of ${path}`).toBe(status);
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
}

/**
 * axe-core must report no violations on the page as it is now.
 *
 * axe runs as JavaScript inside the page, which a JS-off context cannot do. For
 * those runs the page's current HTML (which, without JavaScript, is exactly
 * what the server sent, error messages and all) is served at the same URL to a
 * JS-capable context whose own scripts and wasm are blocked, and checked there
 * with the real stylesheet.
 */
export async function expectAccessible(page: Page, testInfo: TestInfo) {
  let target = page;
  let cleanup = async () => {};
  if (!jsEnabled(testInfo)) {
    const html = await page.content();
    const url = page.url();
    const context = await page.context().browser()!.newContext({ javaScriptEnabled: true });
    await context.route(/\.(js|wasm)(\?.*)?$/, (route) => route.abort());
    await context.route(url, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
    target = await context.newPage();
    await target.goto(url);
    cleanup = () => context.close();
  }
  try {
    const results = await new AxeBuilder({ page: target }).withTags(AXE_TAGS).withRules(["target-size"]).analyze();
    const summary = results.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`,
    );
    expect(summary, `axe violations on ${page.url()}`).toEqual([]);
  } finally {
    await cleanup();
  }
}

/** Signs in through the sign-in page (the form works with and without JavaScript). */
export async function signIn(page: Page, testInfo: TestInfo, email: string, password: string) {
  await settled(page, testInfo);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A suffix that keeps records made by the JS-on and JS-off runs apart. */
export const runTag = (testInfo: TestInfo) => (jsEnabled(testInfo) ? "ON" : "OFF");

/**
 * The path of the link (`/confirm-email?token=…` and friends) in the newest
 * message to `to`. Without SMTP_URL the server's delivery worker writes each
 * message to DATA_DIR/mail as a text file; this waits for it to arrive.
 */
export async function emailedLink(to: string, path: string): Promise<string> {
  const { readdirSync, readFileSync, existsSync } = await import("node:fs");
  const nodePath = await import("node:path");
  const dataDir = process.env.DATA_DIR;
  if (!dataDir) throw new Error("DATA_DIR is not set: the journeys read the server's mail folder");
  const folder = nodePath.join(dataDir, "mail");
  const pattern = new RegExp(`${path.replace(/[/?]/g, (c) => `\\${c}`)}\\?token=[0-9a-f]{64}`);
  for (let attempt = 0; attempt < 100; attempt++) {
    if (existsSync(folder)) {
      const messages = readdirSync(folder)
        .sort()
        .reverse()
        .map((name) => readFileSync(nodePath.join(folder, name), "utf8"))
        .filter((text) => text.startsWith(`To: ${to}\n`));
      for (const text of messages) {
        const found = text.match(pattern);
        if (found) return found[0];
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no email to ${to} with a ${path} link arrived in ${folder}`);
}

/** Signs up, follows the emailed link, confirms and signs in: to "Your account". */
export async function signUpAndConfirm(page: Page, testInfo: TestInfo, name: string, email: string, password: string) {
  await visit(page, testInfo, "/sign-up");
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Create a password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check your email");
  await expectAccessible(page, testInfo);
  await visit(page, testInfo, await emailedLink(email.toLowerCase(), "/confirm-email"));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Confirm your email address");
  await page.getByRole("button", { name: "Confirm email address" }).click();
  await expect(page.getByText("Your email address is confirmed. Sign in to continue.")).toBeVisible();
  await expectAccessible(page, testInfo);
  await signIn(page, testInfo, email, password);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
}

/** The page's one level-1 heading. */
export async function heading(page: Page) {
  return page.getByRole("heading", { level: 1 });
}

/** Fills a GOV.UK date input (day, month, year) found by its legend. */
export async function fillDate(page: Page, legend: string, day: string, month: string, year: string) {
  const group = page.getByRole("group", { name: legend, exact: true });
  await group.getByLabel("Day").fill(day);
  await group.getByLabel("Month").fill(month);
  await group.getByLabel("Year").fill(year);
}
