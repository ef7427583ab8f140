import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.ts";
import { parseTextCommand, tokenizeArgs } from "../../src/core/textCommand.ts";

describe("parseTextCommand", () => {
  it("splits the name, a Telegram @mention and the rest", () => {
    expect(parseTextCommand("/Score@StepwiseBot add exam:step1")).toEqual({
      name: "score",
      mention: "StepwiseBot",
      rest: "add exam:step1",
    });
  });

  it("returns null for text that is not a command", () => {
    expect(parseTextCommand("hello")).toBeNull();
    expect(parseTextCommand("/?")).toBeNull();
    expect(parseTextCommand("")).toBeNull();
  });

  it("keeps the rest of the line untouched for free-text options", () => {
    expect(parseTextCommand("/ask How early should I take Step 3?")?.rest).toBe(
      "How early should I take Step 3?",
    );
  });
});

describe("tokenizeArgs", () => {
  it("reads key:value, quoted values and bare words", () => {
    expect(tokenizeArgs('add exam:step1 test:"NBME 30" score:236')).toEqual([
      { value: "add" },
      { key: "exam", value: "step1" },
      { key: "test", value: "NBME 30" },
      { key: "score", value: "236" },
    ]);
  });

  it("accepts the curly quotes phones insert and escaped quotes", () => {
    expect(tokenizeArgs('test:“UWSA 2” note:"say \\"hi\\""')).toEqual([
      { key: "test", value: "UWSA 2" },
      { key: "note", value: 'say "hi"' },
    ]);
  });

  it("keeps colons inside values (times, URLs)", () => {
    expect(tokenizeArgs("time:07:30")).toEqual([{ key: "time", value: "07:30" }]);
  });

  it("reports a quote that is never closed", () => {
    expect(() => tokenizeArgs('test:"NBME 30 score:236')).toThrow(UserError);
    expect(() => tokenizeArgs('test:"NBME 30 score:236')).toThrow(/never closed/);
  });
});
