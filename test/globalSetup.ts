import { build, isCurrent } from "../scripts/build.mjs";

/** Builds dist/ once before any test when it is stale, so tests that run `npm start` never build it concurrently. */
export default function setup(): void {
  if (!isCurrent()) build();
}
