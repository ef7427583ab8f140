import * as z from "zod";

/** Schemas of everything Stepwise stores. The store validates a file against `dataSchema` on load. */

export const examSchema = z.enum(["step1", "step2ck", "step3"]);
export type Exam = z.infer<typeof examSchema>;

export const stepStatusSchema = z.enum(["pass", "fail", "not_taken"]);
export type StepStatus = z.infer<typeof stepStatusSchema>;

/** A USMLE three-digit score (practice or real). */
export const stepScoreSchema = z.number().int().min(1).max(300);

/** Where the user studies from: it changes how the guide says to use each day. */
export const situationSchema = z.enum(["rotations", "observership", "away"]);
export type Situation = z.infer<typeof situationSchema>;

/** A Match, by the year of its Match Day (2028 = the Match of March 2028, ERAS season 2028). */
export const matchYearSchema = z.number().int().min(2000).max(2100);

export const profileSchema = z.object({
  step1: stepStatusSchema.optional(),
  step2ck_score: stepScoreSchema.optional(),
  step3: stepStatusSchema.optional(),
  needs_visa: z.boolean().optional(),
  exam_dates: z.partialRecord(examSchema, z.iso.date()).default({}),
  timezone: z.string().optional(),
  situation: situationSchema.optional(),
  /** The Match the user is aiming for (2028 = the Match of March 2028): /roadmap's default. */
  match: matchYearSchema.optional(),
  /** Questions of the main question bank still to do, as of `as_of` (/profile set qbank:, /plan qbank:). */
  qbank: z.object({ left: z.number().int().min(0), as_of: z.iso.datetime() }).optional(),
});
export type Profile = z.infer<typeof profileSchema>;

/** A practice test result: a 3-digit score, or (NBME Step 1 forms) a chance of passing in percent. */
export const practiceScoreSchema = z.object({
  id: z.string(),
  exam: examSchema,
  test: z.string(),
  /** "scaled": a three-digit score; "chance": an NBME Step 1 chance of passing, in percent. */
  kind: z.enum(["scaled", "chance"]),
  value: z.number(),
  date: z.iso.date(),
  added_at: z.iso.datetime(),
});
export type PracticeScore = z.infer<typeof practiceScoreSchema>;

/**
 * A study session from /log: questions done on one local day of the user's (their profile's time
 * zone when logged), and how many were right when they said. Several on one day add up.
 */
export const studySessionSchema = z.object({
  id: z.string(),
  date: z.iso.date(),
  questions: z.number().int().min(1),
  correct: z.number().int().min(0).optional(),
  exam: examSchema.optional(),
  note: z.string().optional(),
  added_at: z.iso.datetime(),
});
export type StudySession = z.infer<typeof studySessionSchema>;

/**
 * A person's consent, in one group chat, to have their logged question counts and streak in its
 * weekly summary; `name` (the display name they had when they agreed) only when they agreed to be named.
 */
export const logShareSchema = z.object({
  since: z.iso.datetime(),
  name: z.string().optional(),
});
export type LogShare = z.infer<typeof logShareSchema>;

export const userRecordSchema = z.object({
  // A function, so each new record gets its own object: a literal default is one object shared by all.
  profile: profileSchema.default(() => ({ exam_dates: {} })),
  scores: z.array(practiceScoreSchema).default([]),
  /** Score ids count up per user and are never reused, so "/score remove id:3" always means one test. */
  next_score_id: z.number().int().min(1).default(1),
  /** The study log (/log), in the order sessions were logged; ids count up like score ids. */
  sessions: z.array(studySessionSchema).default([]),
  next_session_id: z.number().int().min(1).default(1),
  /** Group chats (by address) whose weekly summary the person chose to be counted in (/log share). */
  shares: z.record(z.string(), logShareSchema).default({}),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type UserRecord = z.infer<typeof userRecordSchema>;

export const weekdaySchema = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
export type Weekday = z.infer<typeof weekdaySchema>;

/** A chat's daily study nudge, keyed in `Data.subscriptions` by the chat's address (adapter-encoded). */
export const subscriptionSchema = z.object({
  chat_kind: z.enum(["private", "group"]),
  /** The person whose own nudge this is (private chats only): /mydata shows it, /forget deletes it. */
  owner: z.string().optional(),
  /** Local wall-clock time, HH:MM, in `timezone`. */
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  timezone: z.string(),
  exam_date: z.iso.date().optional(),
  /** The exam being studied for: picks the study plan whose daily question volume the nudge suggests. */
  exam: examSchema.default("step2ck"),
  /** Local day the subscription (re)started: the weekly practice-test reminder falls on its weekday. */
  started_day: z.iso.date(),
  /** The next local day to nudge, and the instant that is due (kept together; see nextSlot). */
  next_day: z.iso.date(),
  next_at: z.iso.datetime(),
  /** The last day marked sent: set when a nudge is claimed, before it goes out. */
  last_sent_day: z.iso.date().optional(),
  /** The last day whose nudge the platform accepted (a claim lost to a crash or a failure never gets here). */
  delivered_day: z.iso.date().optional(),
  /** Tips already shown in the current rotation; emptied once every tip has been shown. */
  shown_tips: z.array(z.string()).default([]),
  /** Set once the closing message after the exam date went out: nothing more is sent. */
  ended_on: z.iso.date().optional(),
  /** The Match this chat follows: its nudges may carry a line about the season's next milestone. */
  match: matchYearSchema.optional(),
  /** The last local day each milestone of that Match was mentioned (for the at-most-weekly rule). */
  milestones_shown: z.record(z.string(), z.iso.date()).optional(),
  /** A group's weekday for the week's summary of its members' shared study logs (/log share). */
  summary_day: weekdaySchema.optional(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

/**
 * A chat the bot cannot post to, keyed by its address: the one record of it, whatever found out
 * (a refused reply, a membership update, a nudge). Removed when the chat can be reached again.
 */
export const chatRecordSchema = z.object({
  unreachable: z.object({ reason: z.string(), since: z.iso.datetime() }),
  /** The person whose private chat this is: part of their data (/mydata, /forget). */
  owner: z.string().optional(),
});
export type ChatRecord = z.infer<typeof chatRecordSchema>;

/**
 * Version 2: open platforms (no platform names stored), one record of unreachable chats.
 * Version 3: the Match a profile aims for and a nudge follows, the milestones a nudge mentioned,
 * and the study log and its sharing choices in user records (an older Stepwise would drop them).
 */
export const DATA_VERSION = 3;

/** The whole store. Older files are migrated on load (src/store/migrate.ts). */
export const dataSchema = z.object({
  version: z.literal(DATA_VERSION),
  users: z.record(z.string(), userRecordSchema).default({}),
  subscriptions: z.record(z.string(), subscriptionSchema).default({}),
  chats: z.record(z.string(), chatRecordSchema).default({}),
});
export type Data = z.infer<typeof dataSchema>;

export const emptyData = (): Data => dataSchema.parse({ version: DATA_VERSION });
