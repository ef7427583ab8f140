import { describe, expect, it } from "vitest";
import { renderPlain } from "../../src/adapters/console/render.ts";
import { runLine, testContext } from "../helpers.ts";

/** The examples issues #10 and #11 name: each gets the right answer, with its sources, or an honest decline. */

describe("/ask on the examples the issues name", async () => {
  const ctx = await testContext();
  const ask = async (question: string) => (await runLine(`/ask ${question}`, ctx)).reply;

  it.each([
    ["How many times can I take Step 2 CK?", "attempt-limit"],
    ["When is the CK score released?", "score-release-timing"],
    ["J1 or H1B for residency?", "j1-vs-h1b"],
    ["What is the OET and do I need it?", "oet-medicine-requirement"],
    ["how do preference signals work for med psych", "eras-signals-basics"],
    ["can I take step 3 before residency as an IMG", "step3-eligibility-before-residency"],
    ["what is SOAP", "match-soap-how"],
    ["do I need step 3 for an h1b residency", "h1b-step3-deadline"],
  ])("GIVEN %j THEN the answer is %s, with its sources", async (question, id) => {
    const reply = await ask(question);
    expect(reply.data.match).toMatchObject({ id });
    expect(renderPlain(reply)).toMatch(/Sources: .*https:\/\//);
  });

  it("GIVEN two questions in one message THEN the main one is answered and the other comes first among related", async () => {
    const reply = await ask("How many times can I take Step 2 CK and when is the score released?");
    const ids = [(reply.data.match as { id: string }).id, ...(reply.data.related as string[]).slice(0, 1)];
    expect(ids.sort()).toEqual(["attempt-limit", "score-release-timing"]);
  });

  it("GIVEN a question on a subject no entry covers THEN it declines and lists the closest topics", async () => {
    const reply = await ask("how do I get a second look visit arranged at a program?");
    expect(reply.title).toBe("No vetted answer");
    expect(reply.data).toMatchObject({ match: null, reason: "unsure" });
  });

  it.each([
    "can i take melatonin with sertraline",
    "How long does it take lithium to start working?",
    "which drug is preferred for a diabetic patient with hypertension",
  ])("GIVEN the drug or treatment question %j THEN it gets the clinical refusal", async (question) => {
    const reply = await ask(question);
    expect(reply.data).toMatchObject({ match: null, reason: "clinical" });
    expect(renderPlain(reply)).toMatch(/ask a clinician/);
  });

  it("GIVEN a personal-statement question that names a relative's illness and treatment THEN it is not refused as clinical", async () => {
    const reply = await ask(
      "In my personal statement can I write about my brother's schizophrenia and the treatment that helped him, as why I chose psychiatry?",
    );
    expect(reply.data).not.toMatchObject({ reason: "clinical" });
    expect(renderPlain(reply)).not.toMatch(/ask a clinician/);
    // Declined or answered, the entry on writing about a relative's illness is one tap away.
    expect(JSON.stringify(reply.data)).toContain("personal-statement-family-illness");
  });

  it("GIVEN a treatment question that mentions no application writing THEN it is still refused", async () => {
    const reply = await ask("what is the first line treatment for schizophrenia");
    expect(reply.data).toMatchObject({ match: null, reason: "clinical" });
  });
});
