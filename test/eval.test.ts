import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import * as z from "zod";
import { decide } from "../src/engine/faq/decide.ts";
import type { FaqIndex } from "../src/engine/faq/faq.ts";
import { describeRealScore, loadRealSet, type RealScore, scoreRealSet } from "./eval/realSet.ts";
import { testKnowledge } from "./helpers.ts";

/** The /ask quality gate: the share of right top answers and of right abstentions on real-sounding questions. */

const evalSetSchema = z.strictObject({
  answerable: z.array(
    z.strictObject({
      q: z.string().min(3),
      expect: z.union([z.string(), z.array(z.string()).min(1)]),
    }),
  ),
  abstain: z.array(z.string().min(3)),
});
type EvalSet = z.infer<typeof evalSetSchema>;

/**
 * Floors that stop /ask from getting worse. The guide-worded sets were written from the entries'
 * own wording and tuned on by earlier work, so they only guard against regressions. 0.75 until
 * 2026-11-29, then 0.65: min_phrasing_coverage went from 0.5 to 0.6 (see REAL_FLOOR), and questions
 * worded like the entries lose most from it (from 85.6/76.3/80.3% to 79.8/69.5/72.1%).
 */
const GUIDE_WORDED_FLOOR = 0.65;
const MIN_ABSTAINED = 0.9;

/**
 * Floors on the real questions, set just under what /ask measures today. Issue #10 asks for more
 * (held-out right >= 85%, confidently wrong <= 5%, out of scope declined >= 95%); the test prints
 * where each stands. Raise these as /ask improves; move one down only in the open, for a trade
 * that is worth it, never to pass. The held-out floor moves with the held-out set: 0.40 on the
 * first held-out part, 0.20 on fresh2.yaml (9/42), 0.25 on fresh3.yaml (scored once on 2026-11-29:
 * 15/54) and 0.14 on fresh4.yaml (scored once the same day: 7/48); the target is printed
 * on the two pooled. The wrong floor went from 0.09 to 0.095 on 2026-11-29 when two corrections of
 * wrong facts (FSMB, not ECFMG, registers IMGs for the USMLE; WFME-recognized accreditation is a
 * note, not an ECFMG rule) shifted word weights so that two borderline questions got a confident
 * wrong answer: keeping a wrong fact to keep a floor would be the worse trade.
 *
 * Later that day min_phrasing_coverage went from 0.5 to 0.6, chosen on the three development sets
 * not tuned on (right 54 -> 51, wrong 27 -> 19), when declines began to offer the five closest
 * entries as buttons. On the held-out sets it then measured right 23 -> 19 and wrong 14 -> 12, with
 * the people who get the right entry, answered or one tap away among those offered, at 71 -> 72 of
 * 104. Fewer confident wrong answers at the cost of direct answers that become one tap: so the
 * fresh3 floor went to 0.20 (12/56), the wrong floor down to 0.07 (34/508), and a floor on reaching
 * the right entry on the held-out sets was added. fresh5.yaml, collected at the end of that day and
 * scored once as the day's work stood (12/50 right, 7/75 wrong), joined them: floor 0.22.
 *
 * On 2026-11-29 (fifth session) the rival rule widened (an entry that covers a question as much as the best one, with
 * as many of its word pairs, within 0.75 of its score, now makes /ask ask which is meant), chosen on
 * the development sets. On the held-out sets right answers went 31 -> 29 of 154, wrong ones 20 -> 15
 * of 225, and the right entry answered or offered 106 -> 109: the wrong floor is now the 5%
 * (27/583), the fresh3 floor 0.19 (11/56) and the reached floor 0.70.
 */
const REAL_FLOOR = {
  heldOutRight: 0.19,
  heldOut4Right: 0.14,
  heldOut5Right: 0.22,
  heldOutReached: 0.7,
  wrong: 0.05,
  outDeclined: 0.95,
};

/** sha256 of the first held-out question list, frozen on 2026-11-28 (see test/eval/real/split.mjs). */
const FROZEN_HELD_OUT_SHA256 = "a190cb871204f35dd19c502f33ca656d7489b811936702e0986fe04d1013609f";
/**
 * Real questions that match a phrasing written before they were collected: "what types of USCE are
 * there?" was in usce-types on 2026-11-28 (commit 8480dc9), a day before g049 was found, and "how
 * much does it cost to apply to 100 programs on ERAS?" in eras-fees since the same commit, a day
 * before m003 (a page's title) was found. Not copies.
 */
const WRITTEN_BEFORE = new Set(["g049", "m003"]);

/** sha256 of fresh2.yaml's question list, frozen on 2026-11-29 before /ask was run on it. */
const FROZEN_FRESH2_SHA256 = "4afd8bb8e2c7d81d44e6ad2abfd5a2b05785b4764d5a8b25c2860fdd0b5cf887";
/**
 * sha256 of fresh3.yaml's question list, frozen (commit 419bad7) before /ask was run on it. The hash
 * covers ids and questions, not labels: a label follows the knowledge base, by reading (h041 and
 * h051 went from none to the entries written that day for the same asks).
 */
const FROZEN_FRESH3_SHA256 = "ff40f21a1c6b9b58fe9328c5d9ee844719d5a556bce2e063430e86780d5ade67";
/** sha256 of fresh4.yaml's question list, frozen (commit 8ab1840) before /ask was run on it. */
const FROZEN_FRESH4_SHA256 = "455f02a77bf3607c7e8dd4497a4c30fdd1542eabf28f1f0d85d52847c25c0915";
/** sha256 of fresh5.yaml's question list, frozen (commit 6c58465) before /ask was run on it. */
const FROZEN_FRESH5_SHA256 = "70384874a459e1e598d058c081de46489cd0b6279ee3a8a2a9440032b50afc81";

const plain = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

async function loadSet(name: string): Promise<EvalSet> {
  const text = await readFile(new URL(`./eval/${name}`, import.meta.url), "utf8");
  return evalSetSchema.parse(parseYaml(text));
}

const expectedIds = (item: EvalSet["answerable"][number]) =>
  Array.isArray(item.expect) ? item.expect : [item.expect];

interface Score {
  answered: number;
  answerable: number;
  abstained: number;
  offTopic: number;
  misses: string[];
}

function score(faq: FaqIndex, set: EvalSet): Score {
  const misses: string[] = [];
  let answered = 0;
  for (const item of set.answerable) {
    const result = faq.ask(item.q);
    const got = result.kind === "answer" ? result.hit.entry.id : `abstain(${result.reason})`;
    if (expectedIds(item).includes(got)) answered++;
    else misses.push(`"${item.q}" -> ${got}, expected ${expectedIds(item).join(" | ")}`);
  }
  let abstained = 0;
  for (const q of set.abstain) {
    const result = faq.ask(q);
    if (result.kind === "abstain") abstained++;
    else misses.push(`"${q}" -> ${result.hit.entry.id}, expected an abstention`);
  }
  return { answered, answerable: set.answerable.length, abstained, offTopic: set.abstain.length, misses };
}

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;

function report(label: string, s: Score): void {
  console.log(
    `${label}: top answer right ${s.answered}/${s.answerable} (${percent(s.answered, s.answerable)}), ` +
      `abstained ${s.abstained}/${s.offTopic} (${percent(s.abstained, s.offTopic)})` +
      (s.misses.length > 0 ? `\n  misses:\n  - ${s.misses.join("\n  - ")}` : ""),
  );
}

describe("/ask on the guide-worded sets (written from the knowledge base's own wording)", async () => {
  const knowledge = await testKnowledge();
  const main = await loadSet("questions.yaml");
  const dev = await loadSet("dev.yaml");
  const heldOut = await loadSet("held-out.yaml");
  const all = [main, dev, heldOut];

  it("GIVEN the eval sets THEN they are big enough and every expected id is a real entry", () => {
    expect(main.answerable.length).toBeGreaterThanOrEqual(80);
    expect(main.abstain.length).toBeGreaterThanOrEqual(20);
    for (const item of all.flatMap((set) => set.answerable)) {
      for (const id of expectedIds(item)) expect(knowledge.entry(id), `${item.q} -> ${id}`).toBeDefined();
    }
  });

  it("GIVEN the eval questions THEN none is a copy of an entry's title or phrasings", () => {
    const phrasings = new Set(knowledge.entries.flatMap((e) => [e.title, ...e.questions]).map(plain));
    for (const item of all.flatMap((set) => set.answerable)) {
      expect(phrasings.has(plain(item.q)), item.q).toBe(false);
    }
  });

  it.each([
    ["questions.yaml", main],
    ["dev.yaml", dev],
    ["held-out.yaml (old)", heldOut],
  ] as const)(
    `GIVEN %s THEN at least ${GUIDE_WORDED_FLOOR * 100}% of top answers and ${MIN_ABSTAINED * 100}% of abstentions are right`,
    (label, set) => {
      const s = score(knowledge.faq, set);
      report(label, s);
      expect(s.answered / s.answerable).toBeGreaterThanOrEqual(GUIDE_WORDED_FLOOR);
      expect(s.abstained / s.offTopic).toBeGreaterThanOrEqual(MIN_ABSTAINED);
    },
  );
});

describe("/ask on real questions IMGs asked (test/eval/real/)", async () => {
  const knowledge = await testKnowledge();
  const tuning = await loadRealSet("tuning");
  // The first held-out part and the first fresh set were read on 2026-11-29 to design the rival
  // rule, and fresh2's figures were looked at again while weighing thresholds: development data
  // since. fresh3.yaml, collected that day and frozen before /ask ever ran on it, is the held-out
  // set now, with fresh4.yaml collected later that day and frozen the same way; their misses are
  // never listed.
  const firstHeldOut = await loadRealSet("held-out");
  const fresh = await loadRealSet("fresh");
  const fresh2 = await loadRealSet("fresh2");
  const heldOut = await loadRealSet("fresh3");
  const heldOut4 = await loadRealSet("fresh4");
  const heldOut5 = await loadRealSet("fresh5");
  const all = [...tuning, ...firstHeldOut, ...fresh, ...fresh2, ...heldOut, ...heldOut4, ...heldOut5];
  const decideFor = (q: string) => decide(knowledge, q);

  it("GIVEN the real sets THEN they hold at least 150 in-scope and 40 out-of-scope questions, each with its source, and a held-out third", () => {
    const first = [...tuning, ...firstHeldOut];
    expect(first.filter((i) => i.scope === "in").length).toBeGreaterThanOrEqual(150);
    expect(first.filter((i) => i.scope === "out").length).toBeGreaterThanOrEqual(40);
    expect(firstHeldOut.length / first.length).toBeGreaterThanOrEqual(1 / 3);
    for (const item of all) {
      if (item.expect === "none") continue;
      for (const id of item.expect) expect(knowledge.entry(id), `${item.id} -> ${id}`).toBeDefined();
    }
    expect(new Set(all.map((item) => item.id)).size).toBe(all.length);
  });

  it("GIVEN the held-out sets THEN their question lists are the ones frozen before tuning on them", () => {
    const sha = (items: typeof all) =>
      createHash("sha256")
        .update(items.map((item) => `${item.id}\t${item.q}\n`).join(""))
        .digest("hex");
    expect(sha(firstHeldOut)).toBe(FROZEN_HELD_OUT_SHA256);
    expect(sha(fresh2)).toBe(FROZEN_FRESH2_SHA256);
    expect(sha(heldOut)).toBe(FROZEN_FRESH3_SHA256);
    expect(sha(heldOut4)).toBe(FROZEN_FRESH4_SHA256);
    expect(sha(heldOut5)).toBe(FROZEN_FRESH5_SHA256);
  });

  it("GIVEN the real questions THEN none was copied into an entry's title or phrasings", () => {
    const phrasings = new Set(knowledge.entries.flatMap((e) => [e.title, ...e.questions]).map(plain));
    for (const item of all) {
      if (WRITTEN_BEFORE.has(item.id)) continue;
      expect(phrasings.has(plain(item.q)), item.id).toBe(false);
    }
  });

  it("GIVEN the real questions THEN /ask clears the floors, and the figures are printed against the issue's targets", () => {
    const scores = [tuning, firstHeldOut, fresh, fresh2, heldOut, heldOut4, heldOut5].map((set) =>
      scoreRealSet(set, decideFor),
    );
    const [t, h1, f1, f2, h, h4, h5] = scores as [
      RealScore,
      RealScore,
      RealScore,
      RealScore,
      RealScore,
      RealScore,
      RealScore,
    ];
    const sum = (sets: RealScore[], pick: (s: RealScore) => number) =>
      sets.reduce((total, s) => total + pick(s), 0);
    const wrong = sum(scores, (s) => s.wrong) / sum(scores, (s) => s.total);
    const declined = sum(scores, (s) => s.outDeclined) / sum(scores, (s) => s.outOfScope);
    const held = [h, h4, h5];
    const answerable = sum(held, (s) => s.answerable);
    const right = sum(held, (s) => s.right) / answerable;
    const reached = sum(held, (s) => s.right + s.offered) / answerable;
    const met = (ok: boolean) => (ok ? "met" : "NOT MET");
    console.log(
      [
        describeRealScore("real tuning part", t),
        describeRealScore("first held-out part (development data since 2026-11-29)", h1),
        describeRealScore("first fresh set (development data since 2026-11-29)", f1),
        describeRealScore("second fresh set (development data since 2026-11-29)", f2),
        describeRealScore("held-out: fresh3 (frozen 2026-11-29)", h),
        describeRealScore("held-out: fresh4 (frozen 2026-11-29)", h4),
        describeRealScore("held-out: fresh5 (frozen 2026-11-29)", h5),
        `issue #10 targets: held-out right (fresh3-5) >= 85%: ${(100 * right).toFixed(1)}% ${met(right >= 0.85)}; ` +
          `confidently wrong <= 5% of all real: ${(100 * wrong).toFixed(1)}% ${met(wrong <= 0.05)}; ` +
          `out of scope declined >= 95%: ${(100 * declined).toFixed(1)}% ${met(declined >= 0.95)}; ` +
          `held-out right or the answering entry offered: ${(100 * reached).toFixed(1)}% (no target)`,
        ...(t.misses.length ? ["tuning misses:", ...t.misses.map((m) => `  - ${m}`)] : []),
      ].join("\n"),
    );
    expect(h.right / h.answerable).toBeGreaterThanOrEqual(REAL_FLOOR.heldOutRight);
    expect(h4.right / h4.answerable).toBeGreaterThanOrEqual(REAL_FLOOR.heldOut4Right);
    expect(h5.right / h5.answerable).toBeGreaterThanOrEqual(REAL_FLOOR.heldOut5Right);
    expect(reached).toBeGreaterThanOrEqual(REAL_FLOOR.heldOutReached);
    expect(wrong).toBeLessThanOrEqual(REAL_FLOOR.wrong);
    expect(declined).toBeGreaterThanOrEqual(REAL_FLOOR.outDeclined);
  });
});
