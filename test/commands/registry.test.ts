import { describe, expect, it } from "vitest";
import { commands } from "../../commands/index.ts";
import { leavesOf } from "../../src/core/dispatch.ts";
import { describeOptions } from "../../src/core/options.ts";
import { sampleCommands } from "../fixtures/sampleCommands.ts";

describe("command registry", () => {
  it("has a sample line for every command, so every adapter test covers it", () => {
    expect(Object.keys(sampleCommands).sort()).toEqual(
      leavesOf(commands)
        .map((l) => l.path)
        .sort(),
    );
  });

  it.each(leavesOf(commands).map((l) => [l.path, l.leaf] as const))(
    "/%s: names are lowercase snake_case, every option is described and free text is capped",
    (_path, leaf) => {
      expect(leaf.name).toMatch(/^[a-z][a-z0-9_]{0,31}$/);
      expect(leaf.description.length).toBeGreaterThan(0);
      for (const meta of describeOptions(leaf.options)) {
        expect(meta.name).toMatch(/^[a-z][a-z0-9_]{0,31}$/);
        expect(meta.description, `${leaf.name}.${meta.name}`).not.toBe("");
        // Free text is capped so no one can push 100 KB through a command.
        if (meta.type === "string" && !meta.choices && meta.format !== "date") {
          expect(meta.maxLength, `${leaf.name}.${meta.name} needs .max()`).toBeLessThanOrEqual(500);
        }
      }
    },
  );
});
