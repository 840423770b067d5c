import { expect, test } from "@playwright/test";

// The server as a deployment runs it: the binary started on its own (not
// under cargo-leptos), with only environment variables. Every stylesheet,
// script and wasm file a page links to must be served, and the page must
// hydrate, or a deployed site would arrive unstyled and never come alive.
test("a directly started server serves every asset its pages link to, and pages hydrate", async ({ page, request }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  for (const path of ["/", "/frameworks", "/sign-in"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    const assets = await page.evaluate(() => [
      ...Array.from(document.querySelectorAll("link[href]")).map((l) => l.getAttribute("href") ?? ""),
      ...Array.from(document.querySelectorAll("script[src]")).map((s) => s.getAttribute("src") ?? ""),
    ]);
    const local = assets.filter((href) => href.startsWith("/"));
    expect(local.some((href) => href.endsWith(".css")), `${path} links a stylesheet`).toBe(true);
    expect(local.some((href) => href.endsWith(".wasm")), `${path} preloads the wasm`).toBe(true);
    for (const href of local) {
      const asset = await request.get(href);
      expect(asset.status(), `${href} on ${path}`).toBe(200);
    }
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
  expect(errors).toEqual([]);
});
