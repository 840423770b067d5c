import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/** Accounts the journeys sign in with, created through the server's own CLI
 *  (the same command an operator uses), against the database the app under
 *  test uses (DATABASE_URL / DATA_DIR are inherited from `cargo leptos end-to-end`). */
export const accounts = {
  coordinator: { email: "e2e-coordinator@example.gov.uk", name: "Cora Coordinator", role: "footprint_coordinator", scope: "E47000001" },
  // Signs in from an edit page (separate from `coordinator`, whose sign-ins
  // would otherwise meet the sign-in rate limit across the two runs).
  returningCoordinator: { email: "e2e-coordinator-2@example.gov.uk", name: "Rhys Returning", role: "footprint_coordinator", scope: "E47000001" },
  buyer: { email: "e2e-buyer@example.gov.uk", name: "Bea Buyer", role: "council_buyer", scope: "E08000003" },
  admin: { email: "e2e-admin@example.gov.uk", name: "Ada Admin", role: "platform_admin", scope: "" },
  // Lists the framework the search journeys look for.
  searchCurator: { email: "e2e-search-curator@example.gov.uk", name: "Sol Searcher", role: "footprint_coordinator", scope: "E47000001" },
  // Saves shortlists for Manchester.
  shortlister: { email: "e2e-shortlister@example.gov.uk", name: "Lis Shortlister", role: "council_buyer", scope: "E08000003" },
  // Someone whose roles the admin journey changes.
  subject: { email: "e2e-subject@example.gov.uk", name: "Sam Subject", role: "council_buyer", scope: "E08000035" },
  // Registers a buying intent for Manchester; a Salford buyer joins it.
  intentOwner: { email: "e2e-intent-owner@example.gov.uk", name: "Ida Intent", role: "council_buyer", scope: "E08000003" },
  intentJoiner: { email: "e2e-intent-joiner@example.gov.uk", name: "Jo Joiner", role: "council_buyer", scope: "E08000006" },
  // Follow a footprint's demand by email and stop again (one per run).
  followerON: { email: "e2e-follower-on@example.gov.uk", name: "Fern Follower", role: "council_buyer", scope: "E08000035" },
  followerOFF: { email: "e2e-follower-off@example.gov.uk", name: "Finn Follower", role: "council_buyer", scope: "E08000035" },
  // Change their passwords (one per run, as each run changes it once).
  changerON: { email: "e2e-changer-on@example.gov.uk", name: "Cam Changer", role: "council_buyer", scope: "E08000003" },
  changerOFF: { email: "e2e-changer-off@example.gov.uk", name: "Cas Changer", role: "council_buyer", scope: "E08000003" },
} as const;
export const PASSWORD = "quiet otter bicycle lamp";

function serverBinary(): string {
  const targetDir = process.env.CARGO_TARGET_DIR ?? path.resolve(__dirname, "..", "target");
  const binary = path.join(targetDir, "debug", "server");
  if (!existsSync(binary)) throw new Error(`server binary not found at ${binary}: build it first (cargo leptos build)`);
  return binary;
}

/** Waits until the server under test answers /healthz (it migrates and seeds first). */
async function serverReady() {
  const base = process.env.BASE_URL ?? "http://127.0.0.1:3000";
  const deadline = Date.now() + 120_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${base}/healthz`);
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the server at ${base} did not become healthy: ${last}`);
}

export default async function globalSetup() {
  await serverReady();
  const binary = serverBinary();
  for (const account of Object.values(accounts)) {
    execFileSync(
      binary,
      [
        "grant-role", "--email", account.email, "--name", account.name, "--role", account.role,
        ...(account.scope ? ["--scope", account.scope] : []),
      ],
      { env: { ...process.env, PC_PASSWORD: PASSWORD, RUST_LOG: "warn" }, stdio: ["ignore", "inherit", "inherit"] },
    );
  }
}
