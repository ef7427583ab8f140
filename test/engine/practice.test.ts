import { describe, expect, it } from "vitest";
import { checkKindForExam, equivalentScore, parseScoreText } from "../../src/engine/scores/practice.ts";

describe("practice results as typed", () => {
  it.each([
    { text: "236", parsed: { kind: "scaled", value: 236 } },
    { text: " 1 ", parsed: { kind: "scaled", value: 1 } },
    { text: "85%", parsed: { kind: "chance", value: 85 } },
    { text: "97.5 %", parsed: { kind: "chance", value: 97.5 } },
  ])("GIVEN $text THEN it reads as $parsed.kind", ({ text, parsed }) => {
    expect(parseScoreText(text)).toEqual({ ok: true, score: parsed });
  });

  it.each([
    { text: "301", error: /outside 1-300/ },
    { text: "0", error: /outside 1-300/ },
    { text: "0%", error: /from 1% to 99%/ },
    { text: "100%", error: /from 1% to 99%/ },
    { text: "-5", error: /three-digit score such as 236/ },
    { text: "236.5", error: /three-digit score such as 236/ },
  ])("GIVEN $text THEN the error says what is wrong", ({ text, error }) => {
    const result = parseScoreText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });

  it("GIVEN a chance of passing for anything but Step 1 THEN it is refused (only NBME Step 1 forms report one)", () => {
    expect(checkKindForExam("step2ck", { kind: "chance", value: 80 })).toMatch(/only NBME Step 1 forms/);
    expect(checkKindForExam("step1", { kind: "chance", value: 80 })).toBeUndefined();
  });

  it("GIVEN a 50% chance of passing THEN it sits at the passing standard, higher chances above it, in order", () => {
    const at = (value: number) => equivalentScore({ kind: "chance", value }, 196, 8);
    expect(at(50)).toBeCloseTo(196, 5);
    expect(at(84)).toBeCloseTo(196 + 8, 0);
    expect(at(60)).toBeLessThan(at(90));
    expect(equivalentScore({ kind: "scaled", value: 210 }, 196, 8)).toBe(210);
  });
});
