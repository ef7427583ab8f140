import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PROGRAM } from "../scripts/build.mjs";

// dist/ is built before any test (test/globalSetup.ts).
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = dirname(join(root, PROGRAM));

describe("the bundle `npm start` runs", () => {
  it("GIVEN every file of it THEN it is plain ASCII, so V8 holds its source as one-byte text", () => {
    // One character outside ASCII (a curly quote in a regular expression) made V8 keep the whole
    // main file as two-byte text: 0.25 MB more heap for as long as the bot runs.
    const files = readdirSync(bundle, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
    expect(files.length).toBeGreaterThan(1);
    const isAscii = (text: string) => [...text].every((char) => char.charCodeAt(0) < 0x80);
    const nonAscii = files.filter((file) => !isAscii(readFileSync(join(bundle, file), "utf8")));
    expect(nonAscii).toEqual([]);
  });
});
