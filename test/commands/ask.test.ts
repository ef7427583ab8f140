import { describe, expect, it } from "vitest";
import { renderPlain } from "../../src/adapters/console/render.ts";
import { runLine, testContext } from "../helpers.ts";

describe("/ask", async () => {
  const ctx = await testContext();
  const ask = async (question: string) => {
    const outcome = await runLine(`/ask ${question}`, ctx);
    if (!outcome.ok) throw new Error(`/ask failed: ${JSON.stringify(outcome)}`);
    return outcome.reply;
  };

  it("GIVEN a question the guide answers THEN it replies with the entry, its sources, reviewed date and at most 3 related", async () => {
    const reply = await ask("what step 2 ck score should i aim for as an img in med psych?");
    expect(reply.data.match).toEqual({
      id: "step2ck-target",
      title: "What Step 2 CK score should I aim for as a med-psych IMG?",
    });
    expect((reply.data.related as string[]).length).toBeLessThanOrEqual(3);
    const text = renderPlain(reply);
    expect(text).toContain("Sources: Step Score Strategy");
    expect(text).toContain("Reviewed 25 November 2026");
    expect(text).toMatch(/Not yet confirmed on an official page/);
    expect(text).not.toMatch(/\{\{/);
  });

  it("GIVEN a question on a dated rule THEN the answer shows the figure in force today", async () => {
    const text = renderPlain(await ask("how many attempts do I get at a Step?"));
    expect(text).toContain("at most 4 attempts");
    expect(text).toContain("1 July 2021");
  });

  it("GIVEN a drug dose question THEN it abstains as clinical and matches nothing", async () => {
    const reply = await ask("what is the dose of lithium for bipolar disorder");
    expect(reply.title).toBe("No vetted answer");
    expect(reply.data).toMatchObject({ match: null, reason: "clinical" });
  });

  it("GIVEN a question outside the field THEN it abstains as off-topic and points to /topics", async () => {
    const reply = await ask("how do I apply for a green card through marriage?");
    expect(reply.data).toMatchObject({ match: null, reason: "off_topic" });
    expect(renderPlain(reply)).toContain("/topics");
  });

  it("GIVEN a vague in-field question THEN it abstains and offers the closest entries", async () => {
    const reply = await ask("step stuff?");
    expect(reply.data).toMatchObject({ match: null, reason: "unsure" });
    expect((reply.data.suggestions as string[]).length).toBeGreaterThan(0);
  });

  it("GIVEN a question two entries fit about equally THEN it asks which one is meant, both first among the buttons", async () => {
    const reply = await ask("How do I get ECFMG certified?");
    expect(reply.title).toBe("Which of these do you mean?");
    expect(reply.data).toMatchObject({ match: null, reason: "ambiguous" });
    const ids = reply.data.suggestions as string[];
    expect(ids.slice(0, 4)).toEqual(
      expect.arrayContaining(["when-must-i-be-ecfmg-certified", "what-is-ecfmg-certification"]),
    );
    expect(reply.choices?.map((choice) => choice.line)).toEqual(ids.map((id) => `/ask ${id}`));
    const text = renderPlain(reply);
    expect(text).toContain("fits more than one entry");
    expect(text).not.toContain("I don't have a vetted answer");
  });

  it("GIVEN a declined question with many near entries THEN five closest are offered, each listed by title", async () => {
    const question = "is the ECFMG thing hard for people from my country";
    const reply = await ask(question);
    expect(reply.data).toMatchObject({ match: null, reason: "unsure" });
    const ids = reply.data.suggestions as string[];
    expect(ids).toEqual(ctx.services.knowledge.faq.hits(question, 5).map((hit) => hit.entry.id));
    expect(ids).toHaveLength(5);
    expect(reply.choices?.map((choice) => choice.line)).toEqual(ids.map((id) => `/ask ${id}`));
    const text = renderPlain(reply);
    for (const id of ids) expect(text).toContain(ctx.services.knowledge.entry(id)?.title.slice(0, 30));
  });

  it("GIVEN an entry's id THEN that entry answers as it is, with its curated related entries as choices", async () => {
    const { knowledge } = ctx.services;
    const entry = knowledge.entry("eras-signals-basics");
    const reply = await ask("eras-signals-basics");
    expect(reply.data).toMatchObject({ match: { id: "eras-signals-basics" } });
    const related = (entry?.related ?? []).slice(0, 3);
    expect(reply.data.related).toEqual(related);
    expect(reply.choices?.map((choice) => choice.line)).toEqual(related.map((id) => `/ask ${id}`));
    expect(reply.choices?.map((choice) => choice.label)).toEqual(
      related.map((id) => knowledge.fillFacts(knowledge.entry(id)?.title ?? "", "2026-11-29")),
    );
  });

  it("GIVEN shorthand with case THEN IM and PS expand while 'im' stays I'm", async () => {
    const { faq } = ctx.services.knowledge;
    expect(faq.termsOf("should i apply to IM too")).toContain("internalmedicin");
    expect(faq.termsOf("im applying next year")).not.toContain("internalmedicin");
    expect(faq.termsOf("how long should my PS be")).toContain("personalstat");
  });
});
