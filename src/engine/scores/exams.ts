import * as z from "zod";
import { UserError } from "../../core/errors.ts";
import { type Exam, examSchema, type Profile } from "../../core/records.ts";

export const EXAM_NAMES: Record<Exam, string> = { step1: "Step 1", step2ck: "Step 2 CK", step3: "Step 3" };

/** The exam date typed, or else the one saved in the profile. */
export function examDateFor(exam: Exam, typed: string | undefined, profile: Profile): string {
  const date = typed ?? profile.exam_dates[exam];
  if (!date) {
    throw new UserError(
      `I need your ${EXAM_NAMES[exam]} date: add exam_date:YYYY-MM-DD, or save it once with /profile set ${exam}_date:YYYY-MM-DD.`,
    );
  }
  return date;
}

/** The options of commands about one upcoming exam (`/readiness`, `/plan`); the date may come from the profile. */
export const examOptions = {
  exam: examSchema.describe("Which exam"),
  exam_date: z.iso.date().optional().describe("Your exam date (default: the one in your profile)"),
};

/** Questions left in the main question bank (`/plan qbank:`, `/profile set qbank:`): saved with the time it was given. */
export const qbankOption = z
  .number()
  .int()
  .min(0)
  .max(20000)
  .optional()
  .meta({ placeholder: "questions left" })
  .describe("Questions left in your main question bank");
