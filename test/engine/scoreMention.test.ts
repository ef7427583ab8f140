import { describe, expect, it } from "vitest";
import { asksAboutStanding, findScoreMention } from "../../src/engine/scores/scoreMention.ts";

describe("reading a score out of a question", () => {
  it.each([
    ["can i match IM with a 232 on ck", { exam: "step2ck", examFrom: "named", kind: "scaled", value: 232 }],
    ["is 240 good enough for psych", { exam: "step2ck", examFrom: "assumed", kind: "scaled", value: 240 }],
    ["UWSA2 255, exam in 2 weeks. am i ready?", { kind: "scaled", value: 255, practiceTest: "UWSA2" }],
    ["uwsa 3 was 248 is that ok", { exam: "step2ck", examFrom: "practice_test", value: 248 }],
    ["CBSSA 70% chance of passing, should I sit step 1?", { exam: "step1", kind: "chance", value: 70 }],
    ["NBME 65 for step 1, am i safe", { exam: "step1", kind: "percent", value: 65 }],
    ["Step 3 in the 220s, is that bad?", { exam: "step3", kind: "scaled", value: 225, decade: true }],
    ["NBME 12: 245, NBME 13: 251. Real one in 3 weeks, ready?", { value: 251 }],
    ["got a 245. is it competitive for IM?", { value: 245 }],
    ["I got 310 on step 2 ck lol", { exam: "step2ck", value: 310 }],
    ["step 1 in 2021 was 228, step 2 ck 241: chances for psych?", { exam: "step2ck", value: 241 }],
  ])("GIVEN %j THEN it reads %j", (question, expected) => {
    expect(findScoreMention(question)).toMatchObject(expected);
  });

  it.each([
    "How many times can I take Step 2 CK?",
    "graduated in 2019, is my YOG a problem for IM?",
    "applying to 150 programs, is that enough?",
    "I have 3 attempts on step 1, any hope?",
    "Is 2 years of gap too much?",
    "ERAS costs $120 per program?",
  ])("GIVEN %j (years, counts and money, no score) THEN no score is read", (question) => {
    expect(findScoreMention(question)).toBeUndefined();
  });

  it("GIVEN a question asking about chances THEN it asks about standing; a timing question does not", () => {
    expect(asksAboutStanding("can i match IM with a 232 on ck")).toBe(true);
    expect(asksAboutStanding("is 240 good enough for psych")).toBe(true);
    expect(asksAboutStanding("I got 250 on CK; when do I apply for ERAS")).toBe(false);
  });
});
