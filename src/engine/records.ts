import { z } from "zod";

/** Schemas of everything Stepwise stores. The store validates a file against `dataSchema` on load. */

export const examSchema = z.enum(["step1", "step2ck", "step3"]);
export type Exam = z.infer<typeof examSchema>;

export const stepStatusSchema = z.enum(["pass", "fail", "not_taken"]);

export const profileSchema = z.object({
  step1: stepStatusSchema.optional(),
  step2ck_score: z.number().int().min(1).max(300).optional(),
  step3: stepStatusSchema.optional(),
  needs_visa: z.boolean().optional(),
  exam_dates: z.partialRecord(examSchema, z.iso.date()).default({}),
  timezone: z.string().optional(),
});
export type Profile = z.infer<typeof profileSchema>;

/** A practice test result: a 3-digit score, or (NBME Step 1 forms) a chance of passing in percent. */
export const practiceScoreSchema = z.object({
  id: z.string(),
  exam: examSchema,
  test: z.string(),
  kind: z.enum(["scaled", "chance"]),
  value: z.number(),
  date: z.iso.date(),
  added_at: z.iso.datetime(),
});
export type PracticeScore = z.infer<typeof practiceScoreSchema>;

export const userRecordSchema = z.object({
  profile: profileSchema.default({ exam_dates: {} }),
  scores: z.array(practiceScoreSchema).default([]),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type UserRecord = z.infer<typeof userRecordSchema>;

export const DATA_VERSION = 1;

/** The whole store. New collections are added with a default so older files still load. */
export const dataSchema = z.object({
  version: z.literal(DATA_VERSION),
  users: z.record(z.string(), userRecordSchema).default({}),
  /** Small bookkeeping values, e.g. the hash of the commands last registered on Discord. */
  meta: z.record(z.string(), z.string()).default({}),
});
export type Data = z.infer<typeof dataSchema>;

export const emptyData = (): Data => dataSchema.parse({ version: DATA_VERSION });
