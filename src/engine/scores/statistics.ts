import { createRequire } from "node:module";

type Statistics = typeof import("simple-statistics");
let loaded: Statistics | undefined;

/**
 * simple-statistics, loaded on first use (its CommonJS build, so synchronously): only the score
 * commands need it, and a bot that mostly answers questions need not hold its code.
 */
export const statistics = (): Statistics => {
  loaded ??= createRequire(import.meta.url)("simple-statistics") as Statistics;
  return loaded;
};
