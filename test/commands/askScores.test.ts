import { describe, expect, it } from "vitest";
import { renderPlain } from "../../src/adapters/console/render.ts";
import { bandOf } from "../../src/engine/scores/scoreCheck.ts";
import { runLine, testContext } from "../helpers.ts";

describe("/ask with a score in the question", async () => {
  const ask = async (question: string, setup?: string) => {
    const ctx = await testContext();
    if (setup) await runLine(setup, ctx);
    const outcome = await runLine(`/ask ${question}`, ctx);
    if (!outcome?.ok) throw new Error(`/ask failed: ${JSON.stringify(outcome)}`);
    return outcome.reply;
  };

  it("GIVEN 'can i match IM with a 232 on ck' THEN it is well below the mean, said in words, privately, with the matched-IMG means", async () => {
    const reply = await ask("can i match IM with a 232 on ck");
    expect(reply.personal).toBe(true);
    expect(reply.data.score_check).toMatchObject({
      exam: "step2ck",
      score: 232,
      mean: 251,
      sd: 15,
      band: "well_below",
    });
    const text = renderPlain(reply);
    expect(text).toContain("well below the mean");
    expect(text).toContain("Internal Medicine 249");
    expect(text).toContain("/target step2ck:232");
    expect(reply.data.match).toMatchObject({ id: "well-below-mean-or-fail" });
    expect(text).not.toMatch(/widely matchable/);
  });

  it("GIVEN 'is 240 good enough for psych' THEN it answers from the engine, saying it read 240 as Step 2 CK", async () => {
    const reply = await ask("is 240 good enough for psych");
    expect(reply.data.score_check).toMatchObject({ exam: "step2ck", score: 240, band: "below" });
    expect(renderPlain(reply)).toContain("I read 240 as a Step 2 CK score");
  });

  it("GIVEN a saved Step 1 failure THEN only the guide's target after a failure is shown", async () => {
    const reply = await ask("is 255 on ck good enough for med psych?", "/profile set step1:fail");
    const text = renderPlain(reply);
    expect(text).toContain("261-266 after a Step 1 failure");
    expect(text).not.toContain("with no exam failure");
  });

  it("GIVEN a Step 3 score THEN it is placed against the Step 3 mean, without Step 2 CK targets", async () => {
    const reply = await ask("step 3 in the 220s, is that bad for IM?");
    expect(reply.data.score_check).toMatchObject({ exam: "step3", score: 225, band: "near" });
    expect(renderPlain(reply)).not.toContain("Guide's target");
  });

  it.each([
    ["I got 310 on step 2 ck, is it good?", "Step 2 CK scores run 1-300"],
    ["got 230 on step 1 last month, is that good?", "Step 1 is pass/fail"],
    ["NBME 65 on step 1 practice, am i safe?", "probability of passing"],
    ["UWSA2 80% chance, am I ready for ck?", "Only NBME's Step 1 forms report a chance of passing"],
  ])("GIVEN %j THEN it gets a clear correction instead of an answer", async (question, correction) => {
    const reply = await ask(question);
    expect(reply.data).toMatchObject({ reason: "invalid_score" });
    expect(renderPlain(reply)).toContain(correction);
  });

  it("GIVEN an NBME Step 1 chance of passing THEN it is judged by the guide's margin, turned into a chance", async () => {
    const reply = await ask("CBSSA 70% chance of passing, should i take step 1 next week?");
    expect(reply.data.score_check).toMatchObject({ exam: "step1", score: "70%", verdict: "borderline" });
    expect(renderPlain(reply)).toMatch(/about a \d+% chance of passing/);
  });

  it("GIVEN a score but a question about something else THEN the FAQ answers it", async () => {
    const reply = await ask("I got 250 on CK; when does ERAS open?");
    expect(reply.data.score_check).toBeUndefined();
  });

  it("GIVEN an MCAT score THEN it is not read as a USMLE score", async () => {
    const reply = await ask("is 510 on the mcat good?");
    expect(reply.data.score_check).toBeUndefined();
  });
});

describe("score bands", () => {
  it.each([
    [-1.01, "well_below"],
    [-1, "below"],
    [-0.34, "below"],
    [-0.33, "near"],
    [0, "near"],
    [0.33, "near"],
    [0.34, "above"],
    [1, "above"],
    [1.01, "well_above"],
  ] as const)("GIVEN z = %d THEN the band is %s (cut points a third and one SD)", (z, band) => {
    expect(bandOf(z, 0.33, 1)).toBe(band);
  });
});
