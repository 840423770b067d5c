// Fails the run unless Playwright's JSON report shows that journeys ran and
// none failed. `cargo leptos end-to-end` can exit 0 when the site did not
// build or no test ran, so CI does not trust its exit status alone.
import { readFileSync } from "node:fs";

const path = process.argv[2] ?? new URL("./results.json", import.meta.url).pathname;
let report;
try {
  report = JSON.parse(readFileSync(path, "utf8"));
} catch (error) {
  console.error(`No Playwright report at ${path}: the browser journeys did not run (${error.message})`);
  process.exit(1);
}
const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats ?? {};
console.log(`Playwright: ${expected} passed, ${unexpected} failed, ${flaky} flaky, ${skipped} skipped`);

// The journeys' fixture records how many served pages axe-core checked.
const axePages = {};
(function walk(suite) {
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      for (const result of test.results ?? []) {
        for (const note of result.annotations ?? test.annotations ?? []) {
          if (note.type === "axe-pages") axePages[test.projectName] = (axePages[test.projectName] ?? 0) + Number(note.description);
        }
      }
    }
  }
  for (const child of suite.suites ?? []) walk(child);
})({ suites: report.suites ?? [] });
for (const [project, pages] of Object.entries(axePages)) {
  console.log(`axe-core checked ${pages} served pages in ${project}`);
}
if (expected === 0) {
  console.error("No browser journey passed: treating the run as failed");
  process.exit(1);
}
if (unexpected > 0 || flaky > 0 || (report.errors ?? []).length > 0) {
  console.error("Browser journeys failed");
  process.exit(1);
}
