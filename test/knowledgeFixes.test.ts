import { describe, expect, it } from "vitest";
import { entryReply } from "../commands/ask.ts";
import { renderPlain } from "../src/adapters/console/render.ts";
import { dayIn, daysBetween } from "../src/core/dates.ts";
import { testKnowledge } from "./helpers.ts";

/** Issue #11: statements that were wrong or misleading, pinned so they cannot come back. */

const TODAY = "2026-11-28";

describe("corrected knowledge", async () => {
  const knowledge = await testKnowledge();
  const text = (id: string) => {
    const entry = knowledge.entry(id);
    if (!entry) throw new Error(`no entry ${id}`);
    return renderPlain(entryReply(knowledge, entry, [], TODAY));
  };

  it.each([
    "step3-and-h1b",
    "h1b-step3-deadline",
    "step3-before-applying",
    "visa-sponsorship-strategy",
    "how-programs-see-step3",
    "step3-early-after-fail",
    "application-timing",
  ])(
    "GIVEN %s THEN it says H-1B sponsors generally need Step 3 passed, often by the rank-list deadline, and to check each program",
    (id) => {
      const answer = text(id);
      expect(answer).toMatch(/H-1B/);
      expect(answer).toMatch(/rank[- ]list|rank order list/i);
      expect(answer).toMatch(/generally (need|require)|requirement/i);
      expect(answer).toMatch(/check each program/i);
      expect(answer).not.toMatch(/more attractive/i);
    },
  );

  it("GIVEN the attempt limit THEN it gives the spacing rules as well as the limit", () => {
    const answer = text("attempt-limit");
    expect(answer).toMatch(/no more than 3 attempts at the same Step within any 12 months/);
    expect(answer).toMatch(
      /at least 12 months after your first attempt and at least 6 months after your most recent/,
    );
  });

  it("GIVEN the Step 1 practice margin THEN it is put in the form NBME reports: a probability of passing", () => {
    const answer = text("step1-nbme-margin");
    expect(answer).toMatch(/probability of passing/);
    expect(answer).toMatch(/equated percent correct/);
  });

  it("GIVEN application timing THEN it names which ERAS day matters for what, with the season", () => {
    const answer = text("application-timing");
    expect(answer).toMatch(/only means you can start the application/);
    expect(answer).toMatch(/Programs first see applications on \d+ September \d{4}/);
    expect(answer).toMatch(/For the \d{4} Match/);
  });

  it("GIVEN the matched-IMG means THEN the current versions name their edition and stay unverified until read on nrmp.org", () => {
    for (const id of [
      "nrmp.step2ck_mean.non_us_img.internal_medicine",
      "nrmp.step2ck_mean.non_us_img.psychiatry",
    ]) {
      const fact = knowledge.factAt(id, TODAY);
      expect(fact?.edition).toMatch(/Charting Outcomes/);
      expect(fact?.verified).toBe(false);
      expect(fact?.note).toBeTruthy();
    }
  });

  it.each(["world-directory-school-check", "ecfmg-certification-requirements", "school-country-matters"])(
    "GIVEN %s THEN recognized (WFME) accreditation is a note for information, not an eligibility rule (ecfmg.org, 22 December 2023)",
    (id) => {
      const answer = text(id);
      expect(answer).not.toMatch(/requires? accreditation|accredited by [^.;]*\(required/i);
      expect(answer).toMatch(/information/);
    },
  );

  it("GIVEN who registers IMGs for the USMLE THEN it is FSMB since January 2026, not ECFMG (usmle.org)", () => {
    const answer = text("usmle-registration-imgs");
    expect(answer).toMatch(/FSMB, not ECFMG, runs every Step for IMGs/);
    expect(text("intealth-and-ecfmg-roles")).not.toMatch(/registers you for Step 1 and Step 2 CK, and/);
  });

  it("GIVEN an H-1B question THEN the 2025 proclamation's payment for petitions from abroad is named, with its date and the open status", () => {
    const answer = text("h1b-new-petition-fee");
    expect(answer).toMatch(/\$100,000/);
    expect(answer).toMatch(/21 September 2025/);
    expect(answer).toMatch(/not found|may change/);
    expect(text("h1b-for-residents")).toMatch(/since September 2025 can include a large payment/);
  });

  it("GIVEN a season's dates used in an answer after that Match is over THEN the answer says so plainly", () => {
    const entry = knowledge.entry("application-timing");
    if (!entry) throw new Error("no entry");
    // Shown on a day when the 2027 Match is over but no 2028 version is in force for the fact.
    const facts = knowledge.factsIn(entry.body, TODAY).map((f) => ({ ...f }));
    const answer = renderPlain(entryReply(knowledge, entry, [], "2027-04-01"));
    expect(facts.some((f) => f.season === 2027)).toBe(true);
    expect(answer).toMatch(/For the 2028 Match|the 2027 Match, which is over/);
  });
});

describe("stale answers", async () => {
  const knowledge = await testKnowledge();
  // The real clock on purpose: a year after an entry with season dates was reviewed, this fails.
  const today = dayIn(new Date(), "UTC");

  it.each(knowledge.entries.map((e) => [e.id, e] as const))(
    "GIVEN %s uses dated season facts THEN it was reviewed within the last year",
    (_id, entry) => {
      const seasonal = knowledge
        .factsIn(`${entry.title}\n${entry.body}`, today)
        .filter((f) => f.season !== undefined);
      if (seasonal.length === 0) return;
      expect(
        daysBetween(entry.reviewed, today),
        `${entry.id} reviewed ${entry.reviewed}`,
      ).toBeLessThanOrEqual(365);
    },
  );
});
