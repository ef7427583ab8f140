import type { StepStatus } from "../../core/records.ts";
import { type Block, bullets, type Field, fields, paragraph, type Reply, reply } from "../../core/reply.ts";
import { sourcesOf, uniqueSources } from "../knowledge/figures.ts";
import type { KnowledgeBase } from "../knowledge/knowledge.ts";
import { checkScore, type ScaledCheck, type Step1Check } from "../scores/scoreCheck.ts";
import type { ScoreMention } from "../scores/scoreMention.ts";
import { caveatLine } from "./caveats.ts";

const EXAM_NAME = { step1: "Step 1", step2ck: "Step 2 CK", step3: "Step 3" } as const;

const BAND_WORDS: Record<ScaledCheck["band"], string> = {
  well_below: "well below the mean (more than one standard deviation under it)",
  below: "below the mean (between a third of a standard deviation and one under it)",
  near: "near the mean (within a third of a standard deviation)",
  above: "above the mean (between a third of a standard deviation and one over it)",
  well_above: "well above the mean (more than one standard deviation over it)",
};

const STEP1_WORDS: Record<Step1Check["verdict"], string> = {
  comfortable: "clears the guide's comfortable margin over the passing standard",
  borderline: "is above the passing standard but short of the guide's comfortable margin",
  at_risk: "is below the passing standard: the guide says to treat this as a risk of failing",
};

/** An answer built from the engine, for a question that gives a score and asks how it stands. */
export function scoreAnswer(
  knowledge: KnowledgeBase,
  mention: ScoreMention,
  today: string,
  step1?: StepStatus,
): Reply {
  const check = checkScore(mention, knowledge, today, step1);
  const name = EXAM_NAME[mention.exam];
  if (check.kind === "invalid") {
    return reply({
      title: `That doesn't read as a ${name} score`,
      blocks: [paragraph(check.message)],
      personal: true,
      data: {
        match: null,
        reason: "invalid_score",
        score_check: { exam: mention.exam, error: check.message },
      },
    });
  }
  const assumed =
    mention.examFrom === "assumed"
      ? [paragraph(`I read ${mention.text} as a ${name} score; name the exam if you meant another one.`)]
      : [];
  const answer = check.kind === "scaled" ? scaledBlocks(check, mention) : step1Blocks(check, mention);
  const key = check.kind === "scaled" ? check.band : check.verdict;
  const entry = knowledge.scoreEntry(mention.exam, key);
  const advice: Block[] = entry
    ? [
        paragraph(`What to do (${knowledge.fillFacts(entry.title, today)}):`),
        ...knowledge.bodyBlocks(entry, today),
      ]
    : [];
  // Only the figures the reply shows are cited (the passing standard only when the score is under it).
  const facts =
    check.kind === "scaled" && check.score >= check.passing.value
      ? check.facts.filter((f) => f !== check.passing.fact)
      : check.facts;
  const caveat = caveatLine(facts);
  return reply({
    title:
      check.kind === "scaled"
        ? `Where a ${name} ${mention.decade ? `score in the ${mention.text}` : `of ${check.score}`} stands`
        : `A Step 1 practice result of ${mention.text}`,
    blocks: [
      ...assumed,
      ...answer,
      ...advice,
      paragraph(pointer(mention, check.kind === "scaled" ? check.score : undefined)),
      ...(caveat ? [paragraph(caveat)] : []),
    ],
    footer: {
      sources: uniqueSources([...sourcesOf(facts), ...(entry?.sources ?? [])]),
      note: "General guidance, not official USMLE/NRMP information.",
    },
    // A score is personal: it goes only to the person who gave it.
    personal: true,
    data: {
      match: entry ? { id: entry.id, title: entry.title } : null,
      score_check: scoreCheckData(check, mention),
    },
  });
}

const points = (n: number) => `${n} point${n === 1 ? "" : "s"}`;

/** "mean 249 (NRMP Charting Outcomes 2026)": the edition says enough; the footer has the source. */
const short = (value: number, fact: { edition?: string | undefined; source: { title: string } }) =>
  `${value} (${fact.edition ?? fact.source.title})`;

function scaledBlocks(check: ScaledCheck, mention: ScoreMention): Block[] {
  const name = EXAM_NAME[check.exam];
  const gap = check.score - check.mean.value;
  const vsMean = gap === 0 ? "exactly at" : `${points(Math.abs(gap))} ${gap > 0 ? "above" : "below"}`;
  const approx = mention.decade ? ` (the middle of ${mention.text})` : "";
  const lines = [
    `${check.score}${approx} is ${vsMean} the national ${name} mean of ${check.mean.value} (SD ${check.sd.value}): ${BAND_WORDS[check.band]}. Roughly ${check.percentile}% of US and Canadian first-takers score lower.`,
  ];
  if (check.score < check.passing.value)
    lines.push(`It is also under the passing standard of ${check.passing.value}.`);
  const rows: Field[] = [
    { name: "National mean", value: `${short(check.mean.value, check.mean.fact)}, SD ${check.sd.value}` },
  ];
  const targets = check.targets.filter((t) => t.applies);
  if (targets.length > 0) {
    const describe = (t: (typeof targets)[number]) =>
      `${t.range.low}-${t.range.high} ${t.basis === "no_failure" ? "with no exam failure" : "after a Step 1 failure"}`;
    rows.push({ name: "Guide's target", value: targets.map(describe).join("; ") });
  }
  if (check.matched.length > 0) {
    rows.push({
      name: "Matched non-US IMGs' mean (context, not a cutoff)",
      value: check.matched.map((m) => `${m.specialty} ${short(m.figure.value, m.figure.fact)}`).join("; "),
    });
  }
  return [paragraph(lines.join(" ")), fields(rows)];
}

function step1Blocks(check: Step1Check, mention: ScoreMention): Block[] {
  const margin = `${check.guideMargin.value.min}-${check.guideMargin.value.max}`;
  return [
    paragraph(
      `${mention.text}${mention.practiceTest ? ` on ${mention.practiceTest}` : ""} ${STEP1_WORDS[check.verdict]}.`,
    ),
    bullets([
      `The guide wants practice forms a comfortable ${margin} points over the passing standard (${check.passing.value}). Step 1 is pass/fail, so NBME's forms show a probability of passing instead: the low end of that margin is about a ${check.chanceNeeded}% chance of passing.`,
      "Look for that on several recent forms, not one.",
    ]),
  ];
}

function pointer(mention: ScoreMention, score: number | undefined): string {
  if (mention.exam === "step2ck" && score !== undefined && !mention.practiceTest)
    return `For your own target and next steps: /target step2ck:${score}. To judge readiness from practice tests: /score add, then /readiness.`;
  return `To judge readiness from several practice tests: /score add exam:${mention.exam} ..., then /readiness exam:${mention.exam}.`;
}

function scoreCheckData(check: ScaledCheck | Step1Check, mention: ScoreMention): Record<string, unknown> {
  if (check.kind === "step1") {
    return {
      exam: "step1",
      score: mention.kind === "chance" ? `${mention.value}%` : mention.value,
      mean: null,
      sd: null,
      band: null,
      verdict: check.verdict,
      chance_needed: check.chanceNeeded,
    };
  }
  return {
    exam: check.exam,
    score: check.score,
    mean: check.mean.value,
    sd: check.sd.value,
    band: check.band,
    exam_from: mention.examFrom,
    percentile: check.percentile,
    matched: check.matched.map((m) => ({
      specialty: m.specialty,
      mean: m.figure.value,
      edition: m.figure.fact.edition ?? null,
    })),
  };
}
