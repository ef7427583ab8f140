import * as z from "zod";
import { defineCommand, defineCommandGroup } from "../src/core/command.ts";
import { todayIn } from "../src/core/dates.ts";
import { UserError } from "../src/core/errors.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import { type Exam, examSchema } from "../src/core/records.ts";
import { idOption, removeById } from "../src/core/removal.ts";
import { bullets, type Footer, paragraph, reply } from "../src/core/reply.ts";
import { withCaveat } from "../src/engine/faq/caveats.ts";
import { numberFact, provenance, sourcesOf } from "../src/engine/knowledge/figures.ts";
import { guideRules } from "../src/engine/knowledge/guide.ts";
import type { KnowledgeBase } from "../src/engine/knowledge/knowledge.ts";
import { EXAM_NAMES } from "../src/engine/scores/exams.ts";
import {
  checkKindForExam,
  chronological,
  equivalentScore,
  parseScoreText,
  type ScoreValue,
  scoreText,
  scoreTextSchema,
} from "../src/engine/scores/practice.ts";
import { signed } from "../src/engine/scores/verdicts.ts";

const add = defineCommand({
  name: "add",
  description: "Log a practice test result",
  options: z.object({
    exam: examSchema.describe("Which exam the practice test is for"),
    test: z.string().trim().min(1).max(60).describe('Name of the practice test, e.g. "NBME 12" or "UWSA 2"'),
    score: scoreTextSchema
      .meta({ placeholder: "1-300|N%" })
      .describe("The three-digit score, or for an NBME Step 1 form its chance of passing, e.g. 85%"),
    date: z.iso.date().optional().describe("The day you took it (default: today)"),
  }),
  preconditions: [privateOnly],
  async run(input, { caller, services }) {
    const { store, clock, knowledge } = services;
    const profile = await store.profiles.get(caller.userId);
    const today = todayIn(clock, profile.timezone);
    const parsed = parseScoreText(input.score);
    if (!parsed.ok) throw new UserError(`\`score\`: ${parsed.error}`);
    const wrongKind = checkKindForExam(input.exam, parsed.score);
    if (wrongKind) throw new UserError(`\`score\`: ${wrongKind}`);
    const date = input.date ?? today;
    if (date > today)
      throw new UserError(`\`date\` ${date} is in the future (today is ${today}): log tests you have taken.`);

    const now = clock.now();
    const saved = await store.scores.add(
      caller.userId,
      {
        exam: input.exam,
        test: input.test,
        kind: parsed.score.kind,
        value: parsed.score.value,
        date,
        added_at: now.toISOString(),
      },
      now,
    );
    const judged = howJudged(knowledge, input.exam, parsed.score, profile.exam_dates[input.exam] ?? today);
    return reply({
      title: "Practice score saved",
      blocks: [
        paragraph(
          `Saved #${saved.id}: ${saved.test} (${EXAM_NAMES[saved.exam]}), ${scoreText(parsed.score)}, taken ${saved.date}.`,
        ),
        paragraph(judged.text),
        paragraph(
          `See how ready you are with /readiness exam:${saved.exam}; remove it with /score remove id:${saved.id}.`,
        ),
      ],
      footer: judged.footer,
      data: { score: saved },
    });
  },
});

/** How the bot reads a result of this kind: the passing standard, the guide's margin, the conversion. */
function howJudged(
  knowledge: KnowledgeBase,
  exam: Exam,
  score: ScoreValue,
  day: string,
): { text: string; footer: Footer } {
  const passing = numberFact(knowledge, `passing_standard.${exam}`, day);
  const se = numberFact(knowledge, "practice_test.standard_error", day);
  const margin = guideRules(knowledge, day).step1Margin;
  const facts = [passing.fact, se.fact, margin.fact];
  const footer = {
    sources: sourcesOf(facts),
    note: withCaveat(`Passing standard: ${provenance(passing.fact)}.`, facts),
  };
  const want = `the guide wants ${margin.value.min}-${margin.value.max} points above passing on several forms`;
  if (score.kind === "chance") {
    const points = Math.round(equivalentScore(score, passing.value, se.value) - passing.value);
    return {
      text: `How it is judged: a chance of passing is turned into points above the passing standard (${passing.value}) using the ±${se.value}-point standard error, so ${score.value}% counts as about ${signed(points)} points; ${want}.`,
      footer,
    };
  }
  const margin3 = score.value - passing.value;
  if (exam === "step1") {
    return {
      text: `How it is judged: a three-digit Step 1 score by its margin over the passing standard (${passing.value}), here ${signed(margin3)}; ${want}.`,
      footer,
    };
  }
  return {
    text: `How it is judged: the score ±${se.value} (the standard error) against the passing standard (${passing.value}, here ${signed(margin3)}) and against your target (see /target and /readiness).`,
    footer,
  };
}

const list = defineCommand({
  name: "list",
  description: "List your logged practice scores",
  options: z.object({
    exam: examSchema.optional().describe("Only this exam's scores"),
  }),
  preconditions: [privateOnly],
  async run({ exam }, { caller, services }) {
    const scores = chronological(await services.store.scores.list(caller.userId)).filter(
      (s) => !exam || s.exam === exam,
    );
    if (scores.length === 0) {
      return reply({
        title: "Your practice scores",
        blocks: [
          paragraph(
            `No practice scores logged${exam ? ` for ${EXAM_NAMES[exam]}` : ""} yet. Add one: /score add exam:step2ck test:"NBME 12" score:236 date:YYYY-MM-DD`,
          ),
        ],
        data: { scores: [] },
      });
    }
    return reply({
      title: "Your practice scores",
      blocks: [
        bullets(
          scores.map(
            (s) =>
              `#${s.id} ${s.date} ${EXAM_NAMES[s.exam]}, ${s.test}: ${scoreText({ kind: s.kind, value: s.value })}`,
          ),
        ),
        paragraph("Remove one with /score remove id:<id>."),
      ],
      data: { scores },
    });
  },
});

const remove = defineCommand({
  name: "remove",
  description: "Delete one of your logged practice scores",
  options: z.object({ id: idOption("score", "/score list") }),
  preconditions: [privateOnly],
  async run({ id }, { caller, services }) {
    const removed = await removeById(services.store.scores, caller.userId, id, services.clock.now(), {
      one: "practice score",
      many: "scores",
      list: "/score list",
    });
    return reply({
      title: "Practice score removed",
      blocks: [
        paragraph(
          `Removed #${removed.id}: ${removed.test} (${EXAM_NAMES[removed.exam]}), ${scoreText({ kind: removed.kind, value: removed.value })}, ${removed.date}.`,
        ),
      ],
      data: { removed },
    });
  },
});

export const score = defineCommandGroup({
  name: "score",
  description: "Log, list and remove your practice test scores",
  subcommands: [add, list, remove],
  defaultSubcommand: "list",
});
