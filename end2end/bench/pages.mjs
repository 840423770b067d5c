// Page benchmark: starts the release server binary on its own (as a
// deployment does) on a fresh SQLite database with the demo catalogue, then
// for each key page
//   - drives it with wrk (64 connections, 2 threads, WRK_SECONDS each; the
//     requests ask for compressed answers, as browsers do) and reads
//     requests/s, p50, p99 and errors from wrk's own report;
//   - opens it once in a fresh Chromium context (empty cache) and adds up
//     the compressed bytes that arrived: HTML + CSS + JS + wasm.
// Prints a Markdown table (for the README) and writes bench-pages.json.
//
// Usage (after `cargo leptos build --release`): node end2end/bench/pages.mjs
// Environment: SERVER_BIN (default $CARGO_TARGET_DIR/release/server),
// SITE_ROOT (default target/site), WRK_SECONDS (default 15), BENCH_PAGES
// (comma-separated paths to drive instead of the key pages, e.g. searches),
// BENCH_OUT (default bench-pages.json; a relative path is under end2end/).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const serverBin = process.env.SERVER_BIN ?? path.join(targetDir, "release", "server");
const siteRoot = process.env.SITE_ROOT ?? path.join(root, "target", "site");
const seconds = Number(process.env.WRK_SECONDS ?? 15);
const addr = "127.0.0.1:3119";
const base = `http://${addr}`;

const data = mkdtempSync(path.join(tmpdir(), "pc-bench-"));
const server = spawn(serverBin, ["serve"], {
  env: {
    ...process.env,
    DATA_DIR: data,
    DATABASE_URL: `sqlite://${data}/bench.db?mode=rwc`,
    LEPTOS_SITE_ADDR: addr,
    LEPTOS_SITE_ROOT: siteRoot,
  },
  // Request logs (INFO, as deployed) go nowhere; warnings and errors show.
  stdio: ["ignore", "ignore", "inherit"],
});
const stop = () => {
  server.kill("SIGTERM");
  rmSync(data, { recursive: true, force: true });
};
process.on("exit", stop);

async function ready() {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${base}/healthz did not answer`);
}

/** The first link on `list` whose path matches `pattern`. */
async function firstLink(list, pattern) {
  const html = await (await fetch(`${base}${list}`)).text();
  const found = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]).find((href) => pattern.test(href));
  if (!found) throw new Error(`no link matching ${pattern} on ${list}`);
  return found;
}

/** wrk's latency figures ("1.23ms", "456.00us", "1.20s") in milliseconds. */
function millis(text) {
  const [, value, unit] = text.match(/([\d.]+)(us|ms|s)/);
  return Number(value) * { us: 0.001, ms: 1, s: 1000 }[unit];
}

function drive(pagePath) {
  const out = execFileSync(
    "wrk",
    ["-t2", "-c64", `-d${seconds}s`, "--latency", "-H", "Accept-Encoding: br, gzip", `${base}${pagePath}`],
    { encoding: "utf8" },
  );
  const percentile = (p) => millis(out.match(new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m"))[1]);
  const socketErrors = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  return {
    requestsPerSecond: Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]),
    p50ms: percentile(50),
    p99ms: percentile(99),
    errors: non2xx + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
  };
}

async function firstVisit(browser, pagePath) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const responses = [];
  page.on("response", (response) => responses.push(response));
  await page.goto(`${base}${pagePath}`, { waitUntil: "networkidle" });
  let bytes = 0;
  const kinds = new Set();
  for (const response of responses) {
    const sizes = await response.request().sizes();
    bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    const name = new URL(response.url()).pathname;
    kinds.add(name.endsWith(".wasm") ? "wasm" : name.endsWith(".js") ? "js" : name.endsWith(".css") ? "css" : "html");
  }
  await context.close();
  return { firstVisitBytes: bytes, loaded: [...kinds].sort().join("+") };
}

await ready();
const pages = [
  "/",
  "/councils",
  "/footprints",
  "/frameworks",
  "/suppliers",
  "/offers",
  "/contracts",
  await firstLink("/councils", /^\/councils\/[EWSN]\d{8}$/),
  await firstLink("/footprints", /^\/footprints\/E47\d{6}$/),
  await firstLink("/frameworks", /^\/frameworks\/[0-9a-f-]{36}$/),
  await firstLink("/suppliers", /^\/suppliers\/[0-9a-f-]{36}$/),
  await firstLink("/contracts", /^\/contracts\/[0-9a-f-]{36}$/),
];
pages.push(await firstLink(pages[9], /^\/lots\/[0-9a-f-]{36}$/));

if (process.env.BENCH_PAGES) {
  pages.splice(0, pages.length, ...process.env.BENCH_PAGES.split(",").map((p) => p.trim()).filter(Boolean));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu", "--disable-quic"],
});
const results = [];
for (const pagePath of pages) {
  const visit = await firstVisit(browser, pagePath);
  const load = drive(pagePath);
  results.push({ page: pagePath, ...load, ...visit });
  console.error(`${pagePath}: ${load.requestsPerSecond} req/s, p99 ${load.p99ms} ms, ${visit.firstVisitBytes} B`);
}
await browser.close();

const cpu = execFileSync("nproc", { encoding: "utf8" }).trim();
console.log(`\nRelease binary, SQLite with the demo catalogue, wrk -t2 -c64 -d${seconds}s on loopback, ${cpu} cores.\n`);
console.log("| page | requests/s | p50 | p99 | errors | first visit (compressed) | loads |");
console.log("|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(
    `| \`${r.page}\` | ${Math.round(r.requestsPerSecond).toLocaleString("en-GB")} | ${r.p50ms.toFixed(2)} ms | ${r.p99ms.toFixed(2)} ms | ${r.errors} | ${(r.firstVisitBytes / 1024).toFixed(1)} KB | ${r.loaded} |`,
  );
}
writeFileSync(path.resolve(root, "end2end", process.env.BENCH_OUT ?? "bench-pages.json"), JSON.stringify({ seconds, cores: Number(cpu), results }, null, 2));
stop();
process.exit(0);
