import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FaqIndex } from "../../src/engine/faq/faq.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";

const data = await loadKnowledge(fileURLToPath(new URL("../../knowledge", import.meta.url)));
const withRivalRatio = (rival_ratio: number) =>
  new FaqIndex(data.entries, { ...data.search, thresholds: { ...data.search.thresholds, rival_ratio } });

describe("/ask when two entries fit a question about equally", () => {
  const question = "when will i see my step 2 ck score";

  it("GIVEN a lower-ranked entry that is more about the question and scores nearly as well THEN /ask asks which one is meant, offering both first", () => {
    const index = withRivalRatio(data.search.thresholds.rival_ratio);
    const answer = index.ask(question);
    expect(answer.kind).toBe("abstain");
    if (answer.kind !== "abstain") return;
    expect(answer.reason).toBe("ambiguous");
    const [best] = index.hits(question, 1);
    expect(answer.suggestions[0]?.id).toBe(best?.entry.id);
    expect(answer.suggestions.length).toBeGreaterThanOrEqual(2);
  });

  it("GIVEN a short question two entries cover whole, with the same word pairs THEN /ask asks which one is meant", () => {
    // A real question (fresh.yaml f022): the best-ranked entry is on when certification is needed.
    const answer = withRivalRatio(data.search.thresholds.rival_ratio).ask("How do I get ECFMG certified?");
    expect(answer.kind === "abstain" && answer.reason).toBe("ambiguous");
    if (answer.kind !== "abstain") return;
    const offered = answer.suggestions.slice(0, 4).map((entry) => entry.id);
    expect(offered).toContain("when-must-i-be-ecfmg-certified");
    expect(offered).toContain("what-is-ecfmg-certification");
  });

  it("GIVEN a rival that covers the question as much but shares fewer of its word pairs THEN the best entry answers", () => {
    const index = withRivalRatio(data.search.thresholds.rival_ratio);
    const question = "can I take step 3 before residency as an IMG";
    const [best, second] = index.hits(question, 2);
    expect(second?.phrasingCoverage).toBe(best?.phrasingCoverage);
    expect(second?.pairShare).toBeLessThan(best?.pairShare ?? 0);
    const answer = index.ask(question);
    expect(answer.kind === "answer" && answer.hit.entry.id).toBe("step3-eligibility-before-residency");
  });

  it("GIVEN the rule off (rival_ratio 1) THEN the top-ranked entry would have answered it", () => {
    const answer = withRivalRatio(1).ask(question);
    expect(answer.kind).toBe("answer");
  });

  it("GIVEN no close rival more about the question than the best entry THEN the best entry answers", () => {
    const on = withRivalRatio(data.search.thresholds.rival_ratio).ask("How many times can I take Step 2 CK?");
    expect(on.kind === "answer" && on.hit.entry.id).toBe("attempt-limit");
  });
});

describe("/ask's weight for words no entry holds", () => {
  const withUnseen = (unseen_word_weight: number) =>
    new FaqIndex(data.entries, {
      ...data.search,
      thresholds: { ...data.search.thresholds, unseen_word_weight },
    });
  // "flatmate" is in no entry; every other meaningful word is in the attempt limit's phrasings.
  const question = "how many attempts at step 2 ck are allowed for my flatmate";
  const coverage = (weight: number) =>
    withUnseen(weight)
      .hits(question, 5)
      .find((hit) => hit.entry.id === "attempt-limit")?.phrasingCoverage ?? 0;

  it("GIVEN an unknown word THEN it counts against coverage by the configured share of a rarest word's weight", () => {
    expect(coverage(0)).toBeCloseTo(1, 5);
    expect(coverage(0.6)).toBeLessThan(1);
    expect(coverage(0.6)).toBeGreaterThan(coverage(1));
  });
});
