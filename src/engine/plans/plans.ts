import { addDays, addMonths, daysBetween, earliestDay, latestDay, monthsBetween } from "../../core/dates.ts";
import { UserError } from "../../core/errors.ts";
import type { Exam, Situation } from "../../core/records.ts";
import { type GuideRules, guideRules } from "../knowledge/guide.ts";
import type { Fact, KnowledgeBase, Range } from "../knowledge/knowledge.ts";
import type { Advice } from "../scores/advice.ts";

export interface PlanInput {
  exam: Exam;
  examDate: string;
  today: string;
  situation?: Situation | undefined;
  /** Questions left in the main question bank. */
  qbankLeft?: number | undefined;
}

export interface Phase {
  name: string;
  /** First and last day of the phase, inclusive. */
  from: string;
  to: string;
  days: number;
  questions_per_day: Range;
  mode: string;
  practice_tests: string;
  focus: string[];
}

export interface Plan {
  exam: Exam;
  examDate: string;
  daysLeft: number;
  /** The plan covers at most the guide's longest plan; before this day is preparation time. */
  startsOn: string;
  /** Whether the guide's full plan (its shortest length or more) fits. */
  fullLength: boolean;
  phases: Phase[];
  /** Questions the phases add up to, at the low and high ends of each phase's pace. */
  questions: Range;
  /** Passes of the questions left that the plan allows (when `qbankLeft` is known). */
  passes?: Range;
  /** False when the time left cannot hold a safe plan. */
  enoughTime: boolean;
  /** Why `enoughTime` is what it is, plainly. */
  timeVerdict: string;
  advice: Advice[];
  facts: Fact[];
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** A phased study plan from the guide's 4-6 month Step 2 CK plan, scaled to the time actually left. */
export function buildPlan(input: PlanInput, knowledge: KnowledgeBase): Plan {
  const { exam, examDate, today } = input;
  const rules = guideRules(knowledge, today);
  const daysLeft = daysBetween(today, examDate);
  if (daysLeft < 1) {
    throw new UserError(
      `Your exam date (${examDate}) leaves no time for a plan${daysLeft === 0 ? ": it is today" : ""}. Give a later exam_date.`,
    );
  }
  const { planMonths, phaseMonths, taperWeeks } = rules;
  const longest = addMonths(examDate, -planMonths.value.max);
  const startsOn = latestDay(longest, today);
  const fullLength = monthsBetween(startsOn, examDate) >= planMonths.value.min;
  // A full plan can afford the longer taper; a squeezed one keeps the shorter.
  const taperDays = (fullLength ? taperWeeks.value.max : taperWeeks.value.min) * 7;
  const taperFrom = daysLeft > taperDays ? addDays(examDate, -taperDays) : startsOn;

  const kinds = phaseKinds(exam, rules);
  const spans: Array<[PhaseKind, string, string]> = [];
  if (fullLength) {
    const buildFrom = addMonths(startsOn, phaseMonths.value);
    const sharpenFrom = addMonths(startsOn, 2 * phaseMonths.value);
    spans.push([kinds.foundation, startsOn, buildFrom]);
    spans.push([kinds.build, buildFrom, earliestDay(sharpenFrom, taperFrom)]);
    if (sharpenFrom < taperFrom) spans.push([kinds.sharpen, sharpenFrom, taperFrom]);
  } else {
    // Shorter than the guide's plan: its first two phases, halved over the time there is; the
    // second is then the last before the exam, so it takes on the full-length practice exams.
    const half = addDays(startsOn, Math.floor(daysBetween(startsOn, taperFrom) / 2));
    const lastBuild = {
      ...kinds.build,
      practice_tests: `${kinds.build.practice_tests}; ${kinds.sharpen.practice_tests}`,
    };
    spans.push([kinds.foundation, startsOn, half], [lastBuild, half, taperFrom]);
  }
  spans.push([kinds.taper, taperFrom, examDate]);
  const phases = spans
    .filter(([, from, to]) => daysBetween(from, to) > 0)
    .map(([kind, from, to]) => ({ ...kind, from, to: addDays(to, -1), days: daysBetween(from, to) }));

  const questions = {
    min: phases.reduce((sum, p) => sum + p.days * p.questions_per_day.min, 0),
    max: phases.reduce((sum, p) => sum + p.days * p.questions_per_day.max, 0),
  };
  const qbank = input.qbankLeft;
  const passes = qbank
    ? { min: round1(questions.min / qbank), max: round1(questions.max / qbank) }
    : undefined;
  const { enoughTime, timeVerdict } = judgeTime(daysLeft, taperDays, fullLength, qbank, questions, rules);

  return {
    exam,
    examDate,
    daysLeft,
    startsOn,
    fullLength,
    phases,
    questions,
    ...(passes ? { passes } : {}),
    enoughTime,
    timeVerdict,
    advice: planAdvice(input, startsOn, passes, enoughTime && fullLength, rules),
    facts: Object.values(rules).map((figure) => figure.fact),
  };
}

function judgeTime(
  daysLeft: number,
  taperDays: number,
  fullLength: boolean,
  qbank: number | undefined,
  questions: Range,
  rules: GuideRules,
): { enoughTime: boolean; timeVerdict: string } {
  const months = rules.planMonths.value;
  const minimum = rules.passesMinimum.value;
  if (daysLeft <= taperDays) {
    return {
      enoughTime: false,
      timeVerdict: `Not enough time for a safe plan: ${daysLeft} day(s) is only the final consolidation stretch. Consider a later date unless your practice scores already clear your goal.`,
    };
  }
  if (qbank !== undefined) {
    const fits = questions.max >= qbank * minimum;
    return {
      enoughTime: fits,
      timeVerdict: fits
        ? `Enough time: even the guide's minimum of ${minimum} full pass of your ${qbank} remaining questions fits at these paces.`
        : `Not enough time for a safe plan: ${minimum} full pass of your ${qbank} remaining questions does not fit even at the fastest pace (${questions.max} questions). Consider a later exam date.`,
    };
  }
  if (fullLength) {
    return {
      enoughTime: true,
      timeVerdict: `Enough time: the guide's ${months.min}-${months.max} month plan fits.`,
    };
  }
  return {
    enoughTime: false,
    timeVerdict: `Not enough time for a safe plan from scratch: the guide's plan takes ${months.min}-${months.max} months. If you have already worked through much of your question bank, add qbank:<questions left> and I will check whether a full pass still fits.`,
  };
}

type PhaseKind = Pick<Phase, "name" | "questions_per_day" | "mode" | "practice_tests" | "focus">;

function phaseKinds(
  exam: Exam,
  rules: GuideRules,
): Record<"foundation" | "build" | "sharpen" | "taper", PhaseKind> {
  const timed = rules.timedRandomAfterPercent.value;
  const fullLength = rules.fullLengthEveryWeeks.value;
  const forms = rules.step1Forms.value;
  const nbmeEvery = rules.nbmeEveryMonths.value;
  const step1 = exam === "step1";
  return {
    foundation: {
      name: "Foundation",
      questions_per_day: rules.foundationPerDay.value,
      mode: `untimed at first, then timed; switch to timed random blocks after the first ${timed.min}-${timed.max}% of the bank`,
      practice_tests: "none yet",
      focus: [
        "Review every explanation straight after each block.",
        "Start flashcards (ready-made decks or cards from your mistakes) and review them daily.",
      ],
    },
    build: {
      name: "Build",
      questions_per_day: rules.buildPerDay.value,
      mode: "mostly timed, random blocks",
      practice_tests: step1
        ? `a different NBME form every ${nbmeEvery === 1 ? "month" : `${nbmeEvery} months`}`
        : `an NBME every ${nbmeEvery === 1 ? "month" : `${nbmeEvery} months`}`,
      focus: ["Track each self-assessment and adjust what you study to what it shows."],
    },
    sharpen: {
      name: "Sharpen",
      // The guide gives no pace for its last months; keeping the previous one is the conservative reading.
      questions_per_day: rules.buildPerDay.value,
      mode: "timed random; a focused second pass on your weak systems",
      practice_tests: step1
        ? `${forms.min}-${forms.max} different NBME forms in all, one every ${fullLength.min}-${fullLength.max} weeks`
        : `a full-length practice exam (NBME or UWSA) every ${fullLength.min}-${fullLength.max} weeks`,
      focus: ["Second pass on weak systems and topics."],
    },
    taper: {
      name: "Taper",
      // "Taper slightly": the first phase's lighter pace rather than a full stop.
      questions_per_day: rules.foundationPerDay.value,
      mode: "lighter, timed blocks to stay sharp",
      practice_tests: "no new full-lengths",
      focus: ["Consolidate: notes, flashcards and your error log rather than new material."],
    },
  };
}

const SITUATION_ADVICE: Record<Situation, (rules: GuideRules) => string[]> = {
  rotations: (rules) => [
    "Use your patients: read about each one's conditions that evening (heart failure with depression: the heart failure guidelines and depressive disorders), thinking in med-psych terms.",
    `End each day with ${rules.rotationBlocksPerDay.value.min}-${rules.rotationBlocksPerDay.value.max} timed question blocks, reviewed actively.`,
  ],
  observership: () => [
    "Listen to how attendings phrase findings and decisions: exam questions are written in that language.",
    "Ask for cases to read up on after hours and tie each to Step 2 CK topics.",
  ],
  away: () => [
    "Use question stems and explanations to bring your clinical reasoning back.",
    "Add an online clinical-reasoning resource (cases, videos) to get back into clinical thinking.",
  ],
};

function planAdvice(
  input: PlanInput,
  startsOn: string,
  passes: Range | undefined,
  /** The guide's full plan fits with time to spare: no need to point at /readiness. */
  roomy: boolean,
  rules: GuideRules,
): Advice[] {
  const advice: Advice[] = [];
  if (input.situation) {
    for (const text of SITUATION_ADVICE[input.situation](rules)) {
      advice.push({ section: "Aligning prep with clinical experience", text });
    }
  } else {
    advice.push({
      section: "Aligning prep with clinical experience",
      text: "Add situation:rotations, situation:observership or situation:away for advice on using your days.",
    });
  }
  const monthsLeft = monthsBetween(input.today, input.examDate);
  const second = rules.secondQbankMonths.value;
  if (startsOn > input.today) {
    advice.push({
      section: "Sample 4-6 month Step 2 CK plan",
      text: `The plan starts on ${startsOn}, ${rules.planMonths.value.max} months out; until then build foundations at an easy pace.`,
    });
  }
  if (monthsLeft > second.min) {
    advice.push({
      section: "Resources and schedule",
      text: `With more than ${second.min}-${second.max} months, a second question bank (AMBOSS or similar) is worth adding, especially if early blocks go badly.`,
    });
  }
  if (passes) {
    const ideal = rules.passesIdeal.value;
    let verdict = "finish at least one full pass before anything else";
    if (passes.max >= ideal.min)
      verdict = `time for the ${ideal.min}-${ideal.max} passes the guide calls ideal if you keep the faster pace`;
    if (passes.min >= ideal.min)
      verdict = `time for the ${ideal.min}-${ideal.max} passes the guide calls ideal, even at the slower pace`;
    advice.push({
      section: "Resources and schedule",
      text: `This allows ${passes.min}-${passes.max} passes of your remaining questions: ${verdict}.`,
    });
  } else {
    advice.push({
      section: "Resources and schedule",
      text: "Add qbank:<questions left> to see how many passes of your question bank this plan allows.",
    });
  }
  if (input.exam === "step1") {
    const months = rules.step2ckAfterStep1Months.value;
    advice.push({
      section: "Timing relative to Step 2 CK",
      text: `The guide's phased plan is written for Step 2 CK; the same pacing is used here. Keep it question-bank heavy with timed random blocks, and plan Step 2 CK within ${months.min}-${months.max} months after Step 1.`,
    });
  }
  if (input.exam === "step3") {
    advice.push({
      section: "Strategic steps after a modest Step 2 CK",
      text: "The guide's phased plan is written for Step 2 CK; the same pacing is used here. Sit Step 3 only when prepared: a weak result hurts.",
    });
  }
  if (!roomy) {
    advice.push({
      section: "Addressing low NBME or practice scores early",
      text: "Check /readiness with your latest practice score before deciding whether to keep this date.",
    });
  }
  return advice;
}
