import { expect, test, type Page } from "@playwright/test";

// The server as a deployment runs it: the binary started on its own (not
// under cargo-leptos), with only environment variables. Every stylesheet,
// script and wasm file a page links to must be served. Pages are
// server-rendered and only islands hydrate: a page without an island loads
// no script or wasm at all, and a page with one (the supplier finder on a
// contract form) loads the hashed bundle and hydrates.

/** Paths of the local stylesheets, scripts and wasm the page loaded. */
async function loadedAssets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .map((entry) => new URL(entry.name))
      .filter((url) => url.origin === location.origin)
      .map((url) => url.pathname),
  );
}

async function expectLinkedAssetsServed(page: Page, path: string) {
  const linked = await page.evaluate(() =>
    Array.from(document.querySelectorAll("link[href]")).map((l) => l.getAttribute("href") ?? ""),
  );
  const local = linked.filter((href) => href.startsWith("/"));
  expect(local.some((href) => href.endsWith(".css")), `${path} links a stylesheet`).toBe(true);
  for (const href of local) {
    const asset = await page.request.get(href);
    expect(asset.status(), `${href} on ${path}`).toBe(200);
  }
}

test("pages without an island are served complete and load no script or wasm", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  for (const path of ["/", "/frameworks", "/councils", "/sign-in"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await page.waitForLoadState("load");
    await expectLinkedAssetsServed(page, path);
    expect(await page.locator("leptos-island").count(), `${path} has no island`).toBe(0);
    const scripts = (await loadedAssets(page)).filter((p) => /\.(js|wasm)$/.test(p));
    expect(scripts, `scripts and wasm loaded by ${path}`).toEqual([]);
    await expect(page.locator("body")).not.toHaveAttribute("data-hydrated", "true");
  }
  expect(errors).toEqual([]);
});

test("a page with an island loads the hashed bundle and the island hydrates", async ({ page }) => {
  const email = process.env.DIRECT_ADMIN_EMAIL;
  const password = process.env.DIRECT_ADMIN_PASSWORD;
  expect(email && password, "DIRECT_ADMIN_EMAIL and DIRECT_ADMIN_PASSWORD (set by .ci/test)").toBeTruthy();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto("/sign-in?next=/councils/E08000003/contracts/new");
  await page.getByLabel("Email address").fill(email!);
  await page.getByLabel("Password").fill(password!);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/councils\/E08000003\/contracts\/new$/);
  await expect(page.locator("leptos-island")).toHaveCount(1);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expectLinkedAssetsServed(page, page.url());
  const scripts = (await loadedAssets(page)).filter((p) => /\.(js|wasm)$/.test(p));
  // Hashed names (output-name.<hash>.js / .wasm), cached for a year.
  expect(scripts.some((p) => /\/pkg\/[^/]+\.[\w-]+\.wasm$/.test(p)), `wasm among ${scripts}`).toBe(true);
  for (const path of scripts) {
    const asset = await page.request.get(path, { headers: { "accept-encoding": "br" } });
    expect(asset.status(), path).toBe(200);
    expect(asset.headers()["cache-control"], path).toContain("immutable");
    // Precompressed by the release build (--precompress), not on the fly.
    expect(asset.headers()["content-encoding"], path).toBe("br");
    expect(Number(asset.headers()["content-length"]), path).toBeGreaterThan(0);
  }
  expect(errors).toEqual([]);
});
