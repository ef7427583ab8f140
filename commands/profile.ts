import * as z from "zod";
import { defineCommand, defineCommandGroup } from "../src/core/command.ts";
import { checkTimeZone, requireNotPast, todayIn } from "../src/core/dates.ts";
import { UserError } from "../src/core/errors.ts";
import { describeOptions } from "../src/core/options.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import {
  type Exam,
  examSchema,
  matchYearSchema,
  type Profile,
  situationSchema,
  stepScoreSchema,
  stepStatusSchema,
} from "../src/core/records.ts";
import { type Field, fields, paragraph, reply } from "../src/core/reply.ts";
import { matchProblem } from "../src/engine/roadmap/roadmap.ts";
import { EXAM_NAMES, qbankOption } from "../src/engine/scores/exams.ts";

const STATUS_TEXT = { pass: "passed", fail: "failed (at least once)", not_taken: "not taken yet" } as const;

/** The profile in readable fields; only what has been saved. */
function profileFields(profile: Profile): Field[] {
  const out: Field[] = [];
  if (profile.step1) out.push({ name: "Step 1", value: STATUS_TEXT[profile.step1] });
  if (profile.step2ck_score !== undefined)
    out.push({ name: "Step 2 CK score", value: String(profile.step2ck_score) });
  if (profile.step3) out.push({ name: "Step 3", value: STATUS_TEXT[profile.step3] });
  if (profile.needs_visa !== undefined)
    out.push({ name: "Needs a visa", value: profile.needs_visa ? "yes" : "no" });
  for (const exam of examSchema.options) {
    const date = profile.exam_dates[exam];
    if (date) out.push({ name: `${EXAM_NAMES[exam]} date`, value: date });
  }
  if (profile.situation) out.push({ name: "Situation", value: profile.situation });
  if (profile.timezone) out.push({ name: "Time zone", value: profile.timezone });
  if (profile.match !== undefined)
    out.push({ name: "Match", value: `${profile.match} (March ${profile.match})` });
  if (profile.qbank) {
    out.push({
      name: "Question bank left",
      value: `${profile.qbank.left} (given ${profile.qbank.as_of.slice(0, 10)}; /streak subtracts what you log since)`,
    });
  }
  return out;
}

function profileReply(title: string, profile: Profile, lead?: string) {
  const shown = profileFields(profile);
  const blocks = lead ? [paragraph(lead)] : [];
  if (shown.length > 0) blocks.push(fields(shown));
  else
    blocks.push(
      paragraph("Nothing saved yet. Save details with /profile set, e.g. /profile set step1:pass visa:yes"),
    );
  blocks.push(paragraph("/target, /readiness, /plan and /roadmap use these when you leave an option out."));
  return reply({ title, blocks, data: { profile } });
}

const show = defineCommand({
  name: "show",
  description: "Show what you have saved in your profile",
  options: z.object({}),
  preconditions: [privateOnly],
  async run(_input, { caller, services }) {
    return profileReply("Your profile", await services.store.profiles.get(caller.userId));
  },
});

const setOptions = z.object({
  step1: stepStatusSchema.optional().describe("Step 1: pass, fail or not_taken"),
  step2ck: stepScoreSchema.optional().describe("Your actual Step 2 CK score"),
  step3: stepStatusSchema.optional().describe("Step 3: pass, fail or not_taken"),
  visa: z.boolean().optional().describe("Whether you will need a visa, yes or no"),
  step1_date: z.iso.date().optional().describe("Your Step 1 exam date"),
  step2ck_date: z.iso.date().optional().describe("Your Step 2 CK exam date"),
  step3_date: z.iso.date().optional().describe("Your Step 3 exam date"),
  situation: situationSchema.optional().describe("Where you study from: rotations, observership or away"),
  timezone: z
    .string()
    .trim()
    .max(64)
    .optional()
    .meta({ placeholder: "Area/City" })
    .describe("Your time zone, e.g. Asia/Kolkata"),
  match: matchYearSchema
    .optional()
    .meta({ placeholder: "year" })
    .describe("The Match you aim for, by year (2028 = March 2028), for /roadmap"),
  qbank: qbankOption,
});

const set = defineCommand({
  name: "set",
  description:
    "Save your exam results, exam dates, visa need, situation, time zone, Match or question bank left",
  options: setOptions,
  preconditions: [privateOnly],
  async run(input, { caller, services }) {
    const { store, clock } = services;
    const given = Object.entries(input).filter(([, value]) => value !== undefined);
    if (given.length === 0) {
      const names = describeOptions(setOptions).map((m) => m.name);
      throw new UserError(
        `Nothing to save: give at least one of ${names.join(", ")}, e.g. /profile set step1:pass`,
      );
    }
    if (input.timezone !== undefined) input.timezone = checkTimeZone(input.timezone);
    if (input.match !== undefined) {
      const problem = matchProblem(services.knowledge, input.match, clock.now());
      if (problem) throw new UserError(`\`match\` ${input.match}: ${problem}`);
    }
    const timezone = input.timezone ?? (await store.profiles.get(caller.userId)).timezone;
    const today = todayIn(clock, timezone);
    const dates: Partial<Record<Exam, string>> = {};
    for (const exam of examSchema.options) {
      const date = input[`${exam}_date`];
      if (date) {
        requireNotPast(`${exam}_date`, date, today);
        dates[exam] = date;
      }
    }
    const profile = await store.profiles.update(
      caller.userId,
      {
        step1: input.step1,
        step2ck_score: input.step2ck,
        step3: input.step3,
        needs_visa: input.visa,
        situation: input.situation,
        timezone: input.timezone,
        match: input.match,
        ...(input.qbank === undefined
          ? {}
          : { qbank: { left: input.qbank, as_of: clock.now().toISOString() } }),
        exam_dates: dates,
      },
      clock.now(),
    );
    return profileReply("Profile saved", profile, `Saved: ${given.map(([name]) => name).join(", ")}.`);
  },
});

export const profile = defineCommandGroup({
  name: "profile",
  description: "Show or change what Stepwise knows about you",
  subcommands: [show, set],
  defaultSubcommand: "show",
});
