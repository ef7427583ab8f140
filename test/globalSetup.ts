import { execFileSync } from "node:child_process";

/** Builds dist/ once before any test, so tests that run `npm start` never build it concurrently. */
export default function setup(): void {
  execFileSync("node_modules/.bin/tsc", ["-p", "tsconfig.build.json"], { stdio: "inherit" });
}
