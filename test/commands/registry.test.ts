import { describe, expect, it } from "vitest";
import { commands } from "../../commands/index.ts";
import { leavesOf } from "../../src/engine/dispatch.ts";
import { describeOptions } from "../../src/engine/options.ts";
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
    "/%s: names are lowercase snake_case and every option is described",
    (_path, leaf) => {
      expect(leaf.name).toMatch(/^[a-z][a-z0-9_]{0,31}$/);
      expect(leaf.description.length).toBeGreaterThan(0);
      for (const meta of describeOptions(leaf.options)) {
        expect(meta.name).toMatch(/^[a-z][a-z0-9_]{0,31}$/);
        expect(meta.description, `${leaf.name}.${meta.name}`).not.toBe("");
      }
    },
  );
});
