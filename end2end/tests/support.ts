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
 * those runs the same URL (every page here is addressable by GET) is opened in
 * a JS-capable context whose own scripts and wasm are blocked, which yields the
 * same server-rendered DOM a JS-off visitor gets.
 */
export async function expectAccessible(page: Page, testInfo: TestInfo) {
  let target = page;
  let cleanup = async () => {};
  if (!jsEnabled(testInfo)) {
    const context = await page.context().browser()!.newContext({ javaScriptEnabled: true });
    await context.route(/\.(js|wasm)(\?.*)?$/, (route) => route.abort());
    target = await context.newPage();
    await target.goto(page.url());
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
