import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

export const jsEnabled = (testInfo: TestInfo) => testInfo.project.use.javaScriptEnabled !== false;

/** With JavaScript on, waits until the Leptos app has hydrated (clicks before then are lost). */
export async function settled(page: Page, testInfo: TestInfo) {
  if (jsEnabled(testInfo)) {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
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
    const results = await new AxeBuilder({ page: target }).analyze();
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
