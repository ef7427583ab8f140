import type { Exam } from "../../core/records.ts";

/**
 * A score found in a free-text question ("232 on ck", "UWSA2 255", "CBSSA 70% chance",
 * "Step 3 in the 220s"), read before the question goes to the FAQ search.
 */
export interface ScoreMention {
  exam: Exam;
  /** How the exam was decided: named in the question, implied by a practice test, or assumed. */
  examFrom: "named" | "practice_test" | "assumed";
  /**
   * `scaled`: a three-digit score; `chance`: a probability of passing in percent (NBME Step 1 forms);
   * `percent`: a percent correct, which is not on the score scale.
   */
  kind: "scaled" | "chance" | "percent";
  value: number;
  /** "in the 220s": the value is the decade's middle and the mention is approximate. */
  decade: boolean;
  /** The words the score was read from, for the reply ("232 on ck"). */
  text: string;
  /** The practice test named with it, if any ("UWSA2", "NBME"). */
  practiceTest?: string;
}

/** Words that ask how good a score is or what to do with it, rather than something else. */
const STANDING_QUESTION =
  /\b(chances?|match(?:able|ing)?|competitive|good|enough|low|bad|ok(?:ay)?|decent|safe|ready|readiness|realistic|hope|hopeless|screen(?:ed|s)?|cut ?offs?|filters?|worth|should i|what (?:now|next|should|to do|can i do)|am i|is (?:it|this|that|my)|too|average|strong|weak|help|fail(?:ing)?|pass(?:ing)?|percentile|stand)\b/i;

/** Named exams, longest forms first; "ck" alone means Step 2 CK, as IMGs write it. */
const EXAM_NAMES: ReadonlyArray<[RegExp, Exam]> = [
  [/\bstep\s*-?\s*2\s*-?\s*(?:ck)?\b|\bs2(?:ck)?\b|\b2\s*ck\b|\bck\b/gi, "step2ck"],
  [/\bstep\s*-?\s*1\b|\bs1\b/gi, "step1"],
  [/\bstep\s*-?\s*3\b|\bs3\b/gi, "step3"],
];

/** Practice tests and the exam each implies when the question names none. */
const PRACTICE_TESTS: ReadonlyArray<[RegExp, Exam | undefined]> = [
  [/\bcbssa\b/gi, "step1"],
  [/\bc?ccssa\b|\bcssa\b/gi, "step2ck"],
  [/\buwsa\s*-?\s*3\b/gi, "step2ck"],
  [/\buwsa\s*-?\s*[12]?\b/gi, undefined],
  [/\bfree\s*120\b|\bf120\b/gi, undefined],
  // NBME forms are numbered up to the low 30s; "NBME 65" is a percent correct, not a form.
  [/\bnbme(?:\s*(?:form\s*)?#?\s*(?:[1-9]|[12]\d|3[0-5])(?!\d))?\b/gi, undefined],
  [/\bamboss\s*(?:sa)?\b/gi, undefined],
];

const DECADE = /\b(1\d|2\d|30)0\s*'?s\b/g;
const PERCENT = /\b(\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b)/g;
const UNITS =
  "s\\b|'s\\b|yrs?\\b|years?\\b|months?\\b|weeks?\\b|days?\\b|hours?\\b|questions?\\b|qs\\b|programs?\\b|apps?\\b|applications?\\b|interviews?\\b|signals?\\b|letters?\\b|attempts?\\b|times\\b|pages?\\b|words?\\b|usd\\b|dollars?\\b|k\\b";
/** A bare number that is not part of a larger number, a date, a sum of money or a count of things. */
const NUMBER = new RegExp(`(?<![\\d.,:/$-])(\\d{2,4})(?!\\d|[.,:/]\\d|\\s*(?:%|percent\\b|${UNITS}))`, "gi");
const CHANCE_WORDS = /\b(chance|probability|likelihood|passing|pass)\b/i;

/** Where a number sits, so the exam named nearest to it wins. */
interface Located {
  index: number;
  end: number;
}

function findAll(text: string, pattern: RegExp): Array<Located & { match: RegExpExecArray }> {
  return [...text.matchAll(pattern)].map((match) => ({
    index: match.index ?? 0,
    end: (match.index ?? 0) + match[0].length,
    match,
  }));
}

const distance = (a: Located, b: Located) =>
  a.end <= b.index ? b.index - a.end : Math.max(0, a.index - b.end);

/** The closest item to `at` within `reach` characters. */
function nearest<T extends Located>(items: readonly T[], at: Located, reach: number): T | undefined {
  let best: T | undefined;
  for (const item of items) {
    const d = distance(item, at);
    if (d <= reach && (!best || d < distance(best, at))) best = item;
  }
  return best;
}

/** Whether a question asks how a score stands or what to do about it (not only mentions one). */
export function asksAboutStanding(question: string): boolean {
  return STANDING_QUESTION.test(question);
}

/**
 * The score a question gives, if any: the last one mentioned (people list older results first),
 * with the exam named nearest to it. Years, counts and form numbers are not scores.
 */
export function findScoreMention(question: string): ScoreMention | undefined {
  const text = question.replace(/[\u2018\u2019]/g, "'");
  const exams = EXAM_NAMES.flatMap(([pattern, exam]) =>
    findAll(text, pattern).map((at) => ({ ...at, exam })),
  );
  const tests = PRACTICE_TESTS.flatMap(([pattern, exam]) =>
    findAll(text, pattern).map((at) => ({ ...at, exam, name: at.match[0].replace(/\s+/g, " ").trim() })),
  );
  // Numbers inside exam or test names ("step 2", "uwsa2", "nbme 12") are names, not scores.
  const named = [...exams, ...tests];
  const insideName = (at: Located) => named.some((n) => at.index >= n.index && at.end <= n.end);

  const candidates: Array<Omit<ScoreMention, "exam" | "examFrom" | "practiceTest"> & Located> = [];
  for (const at of findAll(text, DECADE)) {
    candidates.push({
      ...at,
      kind: "scaled",
      value: Number(at.match[1]) * 10 + 5,
      decade: true,
      text: at.match[0],
    });
  }
  for (const at of findAll(text, PERCENT)) {
    if (insideName(at)) continue;
    const around = text.slice(Math.max(0, at.index - 30), at.end + 30);
    const kind = CHANCE_WORDS.test(around) ? "chance" : "percent";
    candidates.push({ ...at, kind, value: Number(at.match[1]), decade: false, text: at.match[0] });
  }
  for (const at of findAll(text, NUMBER)) {
    if (insideName(at) || candidates.some((c) => at.index >= c.index && at.index < c.end)) continue;
    const value = Number(at.match[1]);
    // Four digits are years (or fees). Two digits are ages or counts, except right after a practice
    // test's name ("NBME 65"), where they are its percent correct.
    const afterTest = tests.some((t) => t.end <= at.index && at.index - t.end <= 3);
    if (value < 100 && value >= 10 && afterTest) {
      candidates.push({ ...at, kind: "percent", value, decade: false, text: at.match[0] });
      continue;
    }
    if (value >= 1000 || value < 100) continue;
    candidates.push({ ...at, kind: "scaled", value, decade: false, text: at.match[0] });
  }
  const last = candidates.sort((a, b) => a.index - b.index).at(-1);
  if (!last) return undefined;

  const exam = nearest(exams, last, 40);
  const test = nearest(tests, last, 25);
  const mention: ScoreMention = {
    exam: "step2ck",
    examFrom: "assumed",
    kind: last.kind,
    value: last.value,
    decade: last.decade,
    text: last.text,
  };
  if (test) mention.practiceTest = test.name;
  if (exam) {
    mention.exam = exam.exam;
    mention.examFrom = "named";
  } else if (test?.exam) {
    mention.exam = test.exam;
    mention.examFrom = "practice_test";
  } else if (last.kind === "chance") {
    // Only NBME's Step 1 forms report a chance of passing.
    mention.exam = "step1";
    mention.examFrom = "practice_test";
  }
  return mention;
}
