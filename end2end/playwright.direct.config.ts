import { defineConfig } from "@playwright/test";

import base from "./playwright.config";

// The deployment check (.ci/test starts the server binary directly first):
// the same Chromium, JavaScript on, against BASE_URL; no global setup.
export default defineConfig({
  ...base,
  testDir: "./direct",
  globalSetup: undefined,
  reporter: [["list"], ["json", { outputFile: "direct-results.json" }]],
  projects: [{ name: "chromium-direct", use: { javaScriptEnabled: true } }],
});
