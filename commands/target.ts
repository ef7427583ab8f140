import * as z from "zod";
import { defineCommand } from "../src/core/command.ts";
import { todayIn } from "../src/core/dates.ts";
import { UserError } from "../src/core/errors.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import { stepScoreSchema, stepStatusSchema } from "../src/core/records.ts";
import { bullets, fields, paragraph, reply } from "../src/core/reply.ts";
import { withCaveat } from "../src/engine/faq/caveats.ts";
import { cite, provenance, sourcesOf } from "../src/engine/knowledge/figures.ts";
import { factValueText } from "../src/engine/knowledge/knowledge.ts";
import { adviceLines } from "../src/engine/scores/advice.ts";
import { computeTarget, type TargetResult } from "../src/engine/scores/targets.ts";

export const target = defineCommand({
  name: "target",
  description: "Your Step 2 CK target from the guide, and where an actual score stands",
  options: z.object({
    step1: stepStatusSchema
      .optional()
      .describe("Your Step 1 result: pass, fail or not_taken (default: your profile)"),
    step2ck: stepScoreSchema
      .optional()
      .describe("Your actual Step 2 CK score, if you have one (default: your profile)"),
    visa: z.boolean().optional().describe("Whether you will need a visa, yes or no (default: your profile)"),
  }),
  preconditions: [privateOnly],
  async run(input, { caller, services }) {
    const profile = await services.store.profiles.get(caller.userId);
    const step1 = input.step1 ?? profile.step1;
    if (!step1) {
      throw new UserError(
        "I need your Step 1 result: add step1:pass, step1:fail or step1:not_taken, or save it once with /profile set step1:<result>.",
      );
    }
    const step2ckScore = input.step2ck ?? profile.step2ck_score;
    const needsVisa = input.visa ?? profile.needs_visa;
    const today = todayIn(services.clock, profile.timezone);
    const result = computeTarget({ step1, step2ckScore, needsVisa }, services.knowledge, today);
    const fromProfile = [
      input.step1 === undefined ? `step1:${step1}` : "",
      input.step2ck === undefined && step2ckScore !== undefined ? `step2ck:${step2ckScore}` : "",
      input.visa === undefined && needsVisa !== undefined ? `visa:${needsVisa ? "yes" : "no"}` : "",
    ].filter(Boolean);

    const blocks = [
      paragraph(targetLine(result)),
      fields(figureFields(result)),
      ...(result.standing ? [paragraph(standingLine(result))] : []),
      ...(result.advice.length ? [paragraph("What to do:"), bullets(adviceLines(result.advice))] : []),
    ];
    if (fromProfile.length) blocks.push(paragraph(`From your saved profile: ${fromProfile.join(", ")}.`));
    const facts = [result.mean.fact, result.offset.fact, ...result.matched.map((m) => m.figure.fact)];
    if (result.standing) facts.push(result.standing.sd.fact);
    return reply({
      title: "Your Step 2 CK target",
      blocks,
      footer: {
        sources: sourcesOf(facts),
        note: withCaveat("Rough guidelines from the strategy guide, not official cutoffs.", facts),
      },
      data: {
        target: result.target,
        minimum: result.minimum,
        basis: result.priorFailure ? "prior_step1_failure" : "no_failure",
        mean: { value: result.mean.value, edition: result.mean.fact.edition ?? null },
        step1,
        ...(result.standing
          ? {
              standing: {
                score: result.standing.score,
                category: result.standing.standing,
                above_mean: result.standing.aboveMean,
                percentile: result.standing.percentile,
                matched: result.standing.matched.map((m) => ({
                  specialty: m.specialty,
                  mean: m.figure.value,
                  difference: m.difference,
                })),
              },
            }
          : {}),
        advice: result.advice,
      },
    });
  },
});

function targetLine(result: TargetResult): string {
  const offset = factValueText(result.offset.value);
  const who = result.priorFailure ? "after a Step 1 failure" : "with no exam failure";
  const floor = result.priorFailure ? "" : ` At the very least, reach the mean (${result.minimum}).`;
  return `Target: ${result.target.low}-${result.target.high}, that is ${offset} points above the national mean of ${result.mean.value}: the guide's range ${who}.${floor}`;
}

function figureFields(result: TargetResult) {
  return [
    { name: "National mean (US/Canadian first-takers)", value: cite(result.mean) },
    { name: "Guide's rule", value: `${result.offset.fact.label}: ${factValueText(result.offset.value)}` },
    ...result.matched.map((m) => ({
      name: `Matched non-US IMGs, ${m.specialty} (context, not a cutoff)`,
      value: cite(m.figure),
    })),
  ];
}

function standingLine(result: TargetResult): string {
  const s = result.standing;
  if (!s) return "";
  const vsMean = s.aboveMean >= 0 ? `${s.aboveMean} above` : `${-s.aboveMean} below`;
  const matched = s.matched
    .map((m) => `${Math.abs(m.difference)} ${m.difference >= 0 ? "above" : "below"} in ${m.specialty}`)
    .join(", ");
  return [
    `Your Step 2 CK of ${s.score} is ${vsMean} the mean; roughly ${s.percentile}% of US/Canadian first-takers score lower (assuming a normal spread with SD ${s.sd.value}: ${provenance(s.sd.fact)}).`,
    matched ? ` Against matched non-US IMGs: ${matched}.` : "",
  ].join("");
}
