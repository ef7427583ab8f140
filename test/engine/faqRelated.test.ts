import { describe, expect, it } from "vitest";
import { testKnowledge } from "../helpers.ts";

describe("/ask's related entries under an answer", async () => {
  const { faq, entries } = await testKnowledge();

  it("GIVEN an answer THEN the next two best matches come first, then the entry's own curated links", () => {
    const question = "J1 or H1B for residency?";
    const answer = faq.ask(question);
    if (answer.kind !== "answer") throw new Error(`expected an answer, got ${answer.kind}`);
    const next = faq
      .hits(question, 5)
      .map((hit) => hit.entry.id)
      .filter((id) => id !== answer.hit.entry.id)
      .slice(0, 2);
    const related = answer.related.map((entry) => entry.id);
    expect(related).toHaveLength(3);
    expect(related.slice(0, 2)).toEqual(next);
    const curated = answer.hit.entry.related.filter((id) => !next.includes(id));
    expect(related[2]).toBe(curated[0]);
  });

  it("GIVEN any answer THEN its related entries are three different entries, none of them the answer", () => {
    for (const entry of entries) {
      const answer = faq.ask(entry.title);
      if (answer.kind !== "answer") continue;
      const ids = answer.related.map((e) => e.id);
      expect(new Set(ids).size, entry.id).toBe(ids.length);
      expect(ids, entry.id).not.toContain(answer.hit.entry.id);
      expect(ids.length, entry.id).toBeLessThanOrEqual(3);
    }
  });
});
