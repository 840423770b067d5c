import { defineConfig } from "@playwright/test";

// Journeys run twice in Debian's Chromium: once with JavaScript (hydrated
// Leptos app) and once without (plain server-rendered HTML, links and GET forms).
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
  ],
};

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  // Journeys visit several pages and run axe on each (twice over for JS-off, in a
  // second context); on a busy 2-core CI machine one can take over 30 s.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  // The JSON report is what CI checks (end2end/check-report.mjs): at least
  // one journey ran and none failed.
  reporter: [["list"], ["json", { outputFile: "results.json" }]],
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    launchOptions: chromium,
    trace: "retain-on-failure",
  },
  projects: [
    { name: "chromium-js-on", use: { javaScriptEnabled: true } },
    { name: "chromium-js-off", use: { javaScriptEnabled: false } },
  ],
});
