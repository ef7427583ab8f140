import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FaqIndex } from "../../src/engine/faq/faq.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";

const data = await loadKnowledge(fileURLToPath(new URL("../../knowledge", import.meta.url)));
const withRivalRatio = (rival_ratio: number) =>
  new FaqIndex(data.entries, { ...data.search, thresholds: { ...data.search.thresholds, rival_ratio } });

describe("/ask when ranking and phrasing disagree", () => {
  const question = "when will i see my step 2 ck score";

  it("GIVEN a lower-ranked entry that is more about the question and scores nearly as well THEN /ask declines and offers the closest entries", () => {
    const answer = withRivalRatio(data.search.thresholds.rival_ratio).ask(question);
    expect(answer.kind).toBe("abstain");
    if (answer.kind !== "abstain") return;
    expect(answer.reason).toBe("unsure");
    expect(answer.suggestions.length).toBeGreaterThanOrEqual(2);
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
