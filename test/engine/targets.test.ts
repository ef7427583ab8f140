import { describe, expect, it } from "vitest";
import { KnowledgeBase } from "../../src/engine/knowledge/knowledge.ts";
import { computeTarget } from "../../src/engine/scores/targets.ts";
import { loadKnowledge } from "../../src/knowledge/load.ts";
import { KNOWLEDGE_DIR, testKnowledge } from "../helpers.ts";

const TODAY = "2026-11-25";

describe("Step 2 CK targets (guide: Setting a realistic but ambitious target)", async () => {
  const knowledge = await testKnowledge();
  const mean = Number(knowledge.factAt("step2ck.mean", TODAY)?.value);
  const sd = Number(knowledge.factAt("step2ck.sd", TODAY)?.value);

  it.each([
    ["pass", 5, 10, mean],
    ["not_taken", 5, 10, mean],
    ["fail", 10, 15, mean + 10],
  ] as const)(
    "GIVEN Step 1 %s THEN the target is mean+%i to mean+%i with a floor of %i",
    (step1, low, high, floor) => {
      const result = computeTarget({ step1 }, knowledge, TODAY);
      expect(result.target).toEqual({ low: mean + low, high: mean + high });
      expect(result.minimum).toBe(floor);
      expect(result.mean.fact.edition).toBeTruthy();
    },
  );

  it.each([
    ["well above the mean", 12, "above_target", false],
    ["just above the mean", 2, "above_mean", false],
    ["slightly below the mean (within one SD)", -5, "slightly_below_mean", true],
    ["more than one SD below the mean", -(sd + 1), "well_below_mean", true],
  ] as const)(
    "GIVEN an actual Step 2 CK %s THEN it is placed and the damage-control plan appears only when modest (guide: Strategic steps after a modest Step 2 CK)",
    (_label, offset, standing, damageControl) => {
      const result = computeTarget({ step1: "pass", step2ckScore: mean + offset }, knowledge, TODAY);
      expect(result.standing?.standing).toBe(standing);
      expect(result.standing?.aboveMean).toBe(offset);
      const sections = result.advice.map((a) => a.section);
      expect(sections.includes("Strategic steps after a modest Step 2 CK")).toBe(damageControl);
      expect(sections.includes("Applying strategically to maximize interviews")).toBe(damageControl);
    },
  );

  it("GIVEN a modest score THEN the plan names Step 3 when prepared, USCE, IM and psychiatry letters, IMG-friendly programs and categorical backups", () => {
    const text = computeTarget({ step1: "pass", step2ckScore: mean - 5 }, knowledge, TODAY)
      .advice.map((a) => a.text)
      .join(" ");
    for (const part of [
      "Step 3",
      "only once you are prepared",
      "US clinical experience",
      "one in internal medicine and one in psychiatry",
      "visa sponsorship",
      "categorical",
    ]) {
      expect(text).toContain(part);
    }
  });

  it("GIVEN a score THEN it is compared with the matched non-US IMG means of IM and psychiatry, cited with their edition", () => {
    const result = computeTarget({ step1: "pass", step2ckScore: 240 }, knowledge, TODAY);
    const im = Number(knowledge.factAt("nrmp.step2ck_mean.non_us_img.internal_medicine", TODAY)?.value);
    expect(result.standing?.matched.map((m) => [m.specialty, m.difference])).toEqual([
      ["Internal Medicine", 240 - im],
      ["Psychiatry", 240 - Number(knowledge.factAt("nrmp.step2ck_mean.non_us_img.psychiatry", TODAY)?.value)],
    ]);
    expect(result.matched[0]?.figure.fact.edition).toContain("2026");
  });

  it("GIVEN a day before the NRMP report existed THEN the comparison is left out rather than invented", () => {
    const result = computeTarget({ step1: "pass", step2ckScore: 240 }, knowledge, "2026-01-10");
    expect(result.matched).toEqual([]);
  });

  it("GIVEN a visa need THEN the H-1B / Step 3 advice is added (guide: Strategic steps after a modest Step 2 CK)", () => {
    const withVisa = computeTarget({ step1: "pass", needsVisa: true }, knowledge, TODAY);
    const without = computeTarget({ step1: "pass", needsVisa: false }, knowledge, TODAY);
    expect(withVisa.advice.some((a) => a.text.includes("H-1B"))).toBe(true);
    expect(without.advice.some((a) => a.text.includes("H-1B"))).toBe(false);
  });

  it("GIVEN a prior Step 1 failure THEN Step 2 CK is framed as the rebound and Step 3 comes earlier (guide: If you already have a Step 1 failure)", () => {
    const advice = computeTarget({ step1: "fail" }, knowledge, TODAY).advice;
    expect(
      advice.filter((a) => a.section === "If you already have a Step 1 failure").length,
    ).toBeGreaterThanOrEqual(2);
    expect(advice.map((a) => a.text).join(" ")).toMatch(/Step 3 earlier/);
  });

  it("GIVEN Step 1 not taken THEN it says to book Step 2 CK within the guide's 6-9 months (guide: Timing relative to Step 2 CK)", () => {
    const advice = computeTarget({ step1: "not_taken" }, knowledge, TODAY).advice;
    expect(advice.find((a) => a.section === "Timing relative to Step 2 CK")?.text).toContain("6-9 months");
  });

  it("GIVEN the guide's offset changed in the knowledge base THEN the target follows it (no figure lives in code)", async () => {
    const data = await loadKnowledge(KNOWLEDGE_DIR);
    const facts = data.facts.map((f) =>
      f.id === "guide.step2ck_target.prior_failure_above_mean" ? { ...f, value: { min: 20, max: 30 } } : f,
    );
    const changed = new KnowledgeBase({ ...data, facts });
    expect(computeTarget({ step1: "fail" }, changed, TODAY).target).toEqual({
      low: mean + 20,
      high: mean + 30,
    });
  });

  it("GIVEN a range fact in a {{placeholder}} THEN it is written min-max", () => {
    expect(knowledge.fillFacts("Take {{guide.step1.forms}} forms", TODAY)).toBe("Take 2-3 forms");
  });
});
