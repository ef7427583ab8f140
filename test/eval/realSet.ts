import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import * as z from "zod";
import type { AskDecision } from "../../src/engine/faq/decide.ts";

/** Real questions IMGs asked (test/eval/real/), labeled with the entries that answer them. */

const realQuestionSchema = z.strictObject({
  id: z.string(),
  q: z.string().min(3),
  source: z.url(),
  scope: z.enum(["in", "out"]),
  kind: z.enum(["clinical", "immigration", "other_exam", "chitchat", "other"]).optional(),
  asks: z.string(),
  score: z
    .strictObject({ exam: z.enum(["step1", "step2ck", "step3"]), value: z.union([z.number(), z.string()]) })
    .optional(),
  expect: z.union([z.literal("none"), z.array(z.string()).min(1)]),
});
export type RealQuestion = z.infer<typeof realQuestionSchema>;

export async function loadRealSet(
  name: "tuning" | "held-out" | "fresh" | "fresh2" | "fresh3" | "fresh4" | "fresh5",
): Promise<RealQuestion[]> {
  const text = await readFile(new URL(`./real/${name}.yaml`, import.meta.url), "utf8");
  return z.object({ questions: z.array(realQuestionSchema) }).parse(parseYaml(text)).questions;
}

export type Outcome = "right" | "declined" | "wrong";

/**
 * Right: the top answer is one of the expected entries, or a score check of the labeled score.
 * Declined: no answer (an honest "no vetted answer"). Wrong: anything else, i.e. a confident answer
 * from an entry that does not answer the question (or any answer to an out-of-scope question).
 */
export function judge(item: RealQuestion, decision: AskDecision): Outcome {
  if (decision.kind === "abstain") return "declined";
  if (decision.kind === "score") {
    const label = item.score;
    return label &&
      label.exam === decision.mention.exam &&
      Number.parseFloat(String(label.value)) === decision.mention.value
      ? "right"
      : "wrong";
  }
  return item.expect !== "none" && item.expect.includes(decision.hit.entry.id) ? "right" : "wrong";
}

export interface RealScore {
  /** In scope with at least one answering entry (or a labeled score). */
  answerable: number;
  right: number;
  total: number;
  wrong: number;
  outOfScope: number;
  outDeclined: number;
  /** Answerable questions declined with an answering entry among the closest ones offered. */
  declined: number;
  offered: number;
  /** In-scope questions answered with the wrong entry, where an answering entry is among the related ones. */
  wrongAnswered: number;
  wrongOffered: number;
  misses: string[];
}

export function scoreRealSet(
  items: readonly RealQuestion[],
  decideFor: (q: string) => AskDecision,
): RealScore {
  const s: RealScore = {
    answerable: 0,
    right: 0,
    total: items.length,
    wrong: 0,
    outOfScope: 0,
    outDeclined: 0,
    declined: 0,
    offered: 0,
    wrongAnswered: 0,
    wrongOffered: 0,
    misses: [],
  };
  for (const item of items) {
    const decision = decideFor(item.q);
    const outcome = judge(item, decision);
    const answerable = item.scope === "in" && (item.expect !== "none" || item.score !== undefined);
    if (answerable) s.answerable++;
    if (answerable && outcome === "right") s.right++;
    if (outcome === "wrong") s.wrong++;
    if (answerable && decision.kind === "abstain") {
      s.declined++;
      const expected = item.expect === "none" ? [] : item.expect;
      if (decision.suggestions.some((entry) => expected.includes(entry.id))) s.offered++;
    }
    if (answerable && decision.kind === "answer" && outcome === "wrong") {
      s.wrongAnswered++;
      const expected = item.expect === "none" ? [] : item.expect;
      if (decision.related.some((entry) => expected.includes(entry.id))) s.wrongOffered++;
    }
    if (item.scope === "out") {
      s.outOfScope++;
      if (outcome === "declined") s.outDeclined++;
    }
    if (outcome === "wrong" || (answerable && outcome !== "right")) {
      const got =
        decision.kind === "answer"
          ? decision.hit.entry.id
          : decision.kind === "score"
            ? "score_check"
            : `decline(${decision.reason})`;
      s.misses.push(
        `${item.id} "${item.q}" -> ${got}; expected ${item.expect === "none" ? "a decline" : item.expect.join(" | ")}`,
      );
    }
  }
  return s;
}

const pct = (part: number, whole: number) => (whole === 0 ? "n/a" : `${((100 * part) / whole).toFixed(1)}%`);

export function describeRealScore(label: string, s: RealScore): string {
  return `${label}: right ${s.right}/${s.answerable} (${pct(s.right, s.answerable)}) of answerable; confidently wrong ${s.wrong}/${s.total} (${pct(s.wrong, s.total)}); out of scope declined ${s.outDeclined}/${s.outOfScope} (${pct(s.outDeclined, s.outOfScope)}); declined with the answering entry offered ${s.offered}/${s.declined}; wrong with the answering entry among the related ${s.wrongOffered}/${s.wrongAnswered}`;
}
