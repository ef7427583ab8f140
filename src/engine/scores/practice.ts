import * as z from "zod";
import type { Exam, PracticeScore } from "../../core/records.ts";
import { charBoundary, clip } from "../../core/text.ts";
import { statistics } from "./statistics.ts";

/** A practice result as typed: a three-digit score, or an NBME Step 1 chance of passing ("85%"). */
export type ScoreValue = { kind: "scaled"; value: number } | { kind: "chance"; value: number };

export const SCALED = { min: 1, max: 300 } as const;
/** A chance of 0% or 100% cannot be turned into points, and NBME never reports either. */
export const CHANCE = { min: 1, max: 99 } as const;

const SCALED_TEXT = /^\d+$/;
const CHANCE_TEXT = /^(\d+(?:\.\d+)?)\s*%$/;

/** Reads "236" or "85%"; the error says exactly what is wrong. */
export function parseScoreText(text: string): { ok: true; score: ScoreValue } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (SCALED_TEXT.test(trimmed)) {
    const value = Number(trimmed);
    if (value < SCALED.min || value > SCALED.max) {
      return {
        ok: false,
        error: `${clip(trimmed, 41)} is outside ${SCALED.min}-${SCALED.max}: USMLE-style scores run from ${SCALED.min} to ${SCALED.max}.`,
      };
    }
    return { ok: true, score: { kind: "scaled", value } };
  }
  const chance = CHANCE_TEXT.exec(trimmed);
  if (chance) {
    const value = Number(chance[1]);
    if (value < CHANCE.min || value > CHANCE.max) {
      return {
        ok: false,
        error: `a chance of passing must be from ${CHANCE.min}% to ${CHANCE.max}% (you typed ${clip(trimmed, 41)}).`,
      };
    }
    return { ok: true, score: { kind: "chance", value } };
  }
  return {
    ok: false,
    error: `write a three-digit score such as 236, or for an NBME Step 1 form its chance of passing such as 85% (you typed "${trimmed.slice(0, charBoundary(trimmed, 20))}").`,
  };
}

/** The `score` option: text so that both "236" and "85%" can be typed. */
export const scoreTextSchema = z
  .string()
  .trim()
  .max(8)
  .superRefine((text, ctx) => {
    const parsed = parseScoreText(text);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error });
  });

/** Only NBME's Step 1 forms report a chance of passing; every other practice test gives a score. */
export function checkKindForExam(exam: Exam, score: ScoreValue): string | undefined {
  if (score.kind === "chance" && exam !== "step1") {
    return "only NBME Step 1 forms report a chance of passing; for this exam give the three-digit score.";
  }
  return undefined;
}

/**
 * A practice result as points on the exam's scale. A chance of passing p is read as the score whose
 * band (the standard error around it) leaves that chance of clearing the passing standard:
 * passing + SE * z(p). This lets both kinds be judged by the guide's "points above passing" rule.
 */
export function equivalentScore(score: ScoreValue, passing: number, standardError: number): number {
  if (score.kind === "scaled") return score.value;
  return passing + standardError * statistics().probit(score.value / 100);
}

/** Scores in the order they were taken (ties: the order they were logged). */
export function chronological(scores: readonly PracticeScore[]): PracticeScore[] {
  return [...scores].sort(
    (a, b) =>
      a.date.localeCompare(b.date) ||
      a.added_at.localeCompare(b.added_at) ||
      a.id.localeCompare(b.id, "en", { numeric: true }),
  );
}

/** "236" or "85% chance of passing". */
export function scoreText(score: ScoreValue): string {
  return score.kind === "scaled" ? String(score.value) : `${score.value}% chance of passing`;
}
