import * as z from "zod";
import { addDays, dayIn, daysBetween, luxon } from "../../core/dates.ts";
import { type Exam, examSchema, type Profile } from "../../core/records.ts";
import type { SourceRef } from "../../core/reply.ts";
import { type Fact, formatDay, type KnowledgeBase, zoneName } from "../knowledge/knowledge.ts";

const seasonFactRef = z.strictObject({ fact: z.string().startsWith("season.") });

/** knowledge/roadmap.yaml: which milestones a season has, for whom, and what to do at each. */
export const milestoneDefinitionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_]+$/),
  title: z.string().min(5),
  kind: z.enum(["event", "exam"]),
  exam: examSchema.optional(),
  applies: z.enum(["everyone", "visa"]),
  date: seasonFactRef,
  /** Makes the milestone a window, from `date` to this fact's (last) day. */
  until: seasonFactRef.optional(),
  /** Exams: weeks to allow for the result to come out (a fact id). */
  results_fact: z.string().optional(),
  /** Facts stating why the milestone applies and how it is judged, each shown with its source. */
  rules: z.array(z.string()).default([]),
  action: z.string().min(10),
});
export type MilestoneDefinition = z.infer<typeof milestoneDefinitionSchema>;
export const roadmapSchema = z.strictObject({ milestones: z.array(milestoneDefinitionSchema).min(1) });

export const MILESTONE_STATUSES = ["done", "next", "upcoming", "at_risk", "missed"] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

/** A day, or a day with a clock time, in the user's time zone. */
export interface LocalWhen {
  day: string;
  /** HH:MM in the user's zone, when the official deadline has a clock time. */
  time?: string;
  /** The instant, when the official deadline has a clock time. */
  at?: Date;
  /** The official wording: "21:00 Eastern Time on 3 March 2027". */
  official?: string;
}

/** A rule the milestone follows, in a few words, and where it is stated. */
export interface Rule {
  says: string;
  source: SourceRef;
}

export interface Milestone {
  id: string;
  title: string;
  kind: MilestoneDefinition["kind"];
  applies: MilestoneDefinition["applies"];
  when: LocalWhen | { from: LocalWhen; to: LocalWhen };
  /** Days from the user's today to the (first) day; negative once past. */
  daysLeft: number;
  status: MilestoneStatus;
  estimated: boolean;
  /** What to do, one line: the definition's action or, for an exam, what the profile shows. */
  line: string;
  /** Where the date comes from. */
  source: SourceRef;
  rules: Rule[];
  fact: Fact;
}

export interface Roadmap {
  season: number;
  zone: string;
  today: string;
  milestones: Milestone[];
  /** The season has dates copied from an earlier season's pattern. */
  estimated: boolean;
  /** Which seasons the calendar has facts for (published or estimated). */
  seasons: number[];
}

export interface RoadmapInput {
  profile: Profile;
  now: Date;
  /** The user's IANA zone (UTC when none is saved). */
  zone: string;
  season: number;
}

/** The season facts of one Match, taken from the calendar or, when it has none, projected from the latest one. */
export function seasonFact(knowledge: KnowledgeBase, id: string, season: number): Fact | undefined {
  const versions = knowledge.facts.filter((f) => f.id === id && f.season !== undefined);
  const exact = versions.find((f) => f.season === season);
  if (exact) return exact;
  const latest = versions
    .filter((f) => (f.season ?? 0) < season)
    .sort((a, b) => (b.season ?? 0) - (a.season ?? 0))[0];
  return latest ? projectFact(latest, season) : undefined;
}

/** Whole weeks nearest to `years` years, so a projected day keeps its weekday ("the first Wednesday"). */
const weeksFor = (years: number) => 7 * Math.round((365.2425 * years) / 7);

/** A later season's fact estimated from an earlier one's pattern: same weekday, shifted by whole weeks. */
function projectFact(fact: Fact, season: number): Fact {
  const shift = weeksFor(season - (fact.season ?? season));
  const move = (day: string) => addDays(day, shift);
  const value =
    typeof fact.value === "string"
      ? move(fact.value)
      : typeof fact.value === "object" && "from" in fact.value
        ? { from: move(fact.value.from), to: move(fact.value.to) }
        : fact.value;
  return {
    ...fact,
    value,
    season,
    estimated: true,
    verified: false,
    note: `Estimated from the ${fact.season} season's pattern (same weekday); no published date was found.`,
  };
}

/** Every season the calendar has dates for. */
export function calendarSeasons(knowledge: KnowledgeBase): number[] {
  return [
    ...new Set(knowledge.facts.flatMap((f) => (f.id.startsWith("season.") && f.season ? [f.season] : []))),
  ].sort();
}

/** The next Match a user can still enter: the first whose rank-order-list deadline is still ahead. */
export function defaultSeason(knowledge: KnowledgeBase, now: Date): number {
  const year = Number(dayIn(now, "America/New_York").slice(0, 4));
  for (const season of [year, year + 1, year + 2]) {
    const deadline = seasonFact(knowledge, "season.rol_deadline", season);
    if (deadline && instantOf(deadline, firstDayOf(deadline)) > now) return season;
  }
  return year + 1;
}

/** How many seasons past the calendar's last one /roadmap projects (every date estimated). */
export const SEASONS_PROJECTED = 2;

/**
 * The Matches the calendar can serve at `now`: from the first whose Match Day is still ahead (a
 * season under way can still be followed to its end) to a few past the last one with dates.
 */
export function servableSeasons(knowledge: KnowledgeBase, now: Date): { first: number; last: number } {
  const seasons = calendarSeasons(knowledge);
  const year = Number(dayIn(now, "America/New_York").slice(0, 4));
  let first = year;
  for (; ; first++) {
    const matchDay = seasonFact(knowledge, "season.match_day", first);
    if (!matchDay || instantOf(matchDay, firstDayOf(matchDay)) > now) break;
  }
  return { first, last: Math.max(first, (seasons.at(-1) ?? year) + SEASONS_PROJECTED) };
}

/** Why a Match year cannot be planned now (over, or too far ahead to estimate), or undefined. */
export function matchProblem(knowledge: KnowledgeBase, match: number, now: Date): string | undefined {
  const { first, last } = servableSeasons(knowledge, now);
  const choose = `choose a Match from ${first} to ${last}`;
  if (match < first) return `The ${match} Match is over, so there is nothing left to plan for it: ${choose}.`;
  if (match > last) {
    return `The ${match} Match is too far ahead: no calendar has its dates and an estimate that far out would be a guess. ${choose[0]?.toUpperCase()}${choose.slice(1)}.`;
  }
  return undefined;
}

/** A fact's first (or only) day. */
const firstDayOf = (fact: Fact): string =>
  typeof fact.value === "string"
    ? fact.value
    : typeof fact.value === "object" && "from" in fact.value
      ? fact.value.from
      : "";

/** A fact's last (or only) day. */
const lastDayOf = (fact: Fact): string =>
  typeof fact.value === "object" && "to" in fact.value ? fact.value.to : firstDayOf(fact);

/** The instant a fact's day (and time, in its zone) begins; all-day facts start at midnight in the US East. */
function instantOf(fact: Fact, day: string): Date {
  return luxon()
    .DateTime.fromISO(`${day}T${fact.time ?? "00:00"}`, { zone: fact.zone ?? "America/New_York" })
    .toJSDate();
}

/** A fact's day as the user sees it: a timed deadline moves into their zone; an all-day date stays. */
function localWhen(fact: Fact, day: string, zone: string): LocalWhen {
  if (!fact.time || !fact.zone) return { day };
  const official = luxon().DateTime.fromISO(`${day}T${fact.time}`, { zone: fact.zone });
  const local = official.setZone(zone);
  return {
    day: local.toISODate() ?? day,
    time: local.toFormat("HH:mm"),
    at: official.toJSDate(),
    official: `${fact.time} ${zoneName(fact.zone)} on ${formatDay(day)}`,
  };
}

/** The milestone's first local day, and its last (the same for a single day). */
export const firstDay = (m: Pick<Milestone, "when">): string =>
  "from" in m.when ? m.when.from.day : m.when.day;
export const lastDay = (m: Pick<Milestone, "when">): string => ("to" in m.when ? m.when.to.day : m.when.day);

/** The rules a milestone states, with their sources: those in force today (a rule not yet, is not). */
function rulesOf(knowledge: KnowledgeBase, def: MilestoneDefinition, today: string): Rule[] {
  return def.rules.flatMap((id) => {
    const fact = knowledge.factAt(id, today);
    return fact ? [{ says: fact.label, source: fact.source }] : [];
  });
}

/** The dated checklist of one Match season for this user, in date order. */
export function buildRoadmap(knowledge: KnowledgeBase, input: RoadmapInput): Roadmap {
  const today = dayIn(input.now, input.zone);
  const needsVisa = input.profile.needs_visa === true;
  const milestones: Milestone[] = [];
  for (const def of knowledge.roadmap) {
    if (def.applies === "visa" && !needsVisa) continue;
    const fact = seasonFact(knowledge, def.date.fact, input.season);
    const until = def.until ? seasonFact(knowledge, def.until.fact, input.season) : fact;
    if (!fact || !until) continue;
    const window = until !== fact || firstDayOf(fact) !== lastDayOf(fact);
    const when = window
      ? {
          from: localWhen(fact, firstDayOf(fact), input.zone),
          to: localWhen(until, lastDayOf(until), input.zone),
        }
      : localWhen(fact, firstDayOf(fact), input.zone);
    const base = {
      id: def.id,
      title: def.title,
      kind: def.kind,
      applies: def.applies,
      when,
      daysLeft: daysBetween(today, firstDay({ when })),
      estimated: fact.estimated === true || until.estimated === true,
      source: fact.source,
      rules: rulesOf(knowledge, def, today),
      fact,
    };
    const last = lastDay({ when });
    const judged =
      def.kind === "exam" && def.exam
        ? judgeExam(def, def.exam, input.profile, last, today, knowledge)
        : { status: (last < today ? "done" : "upcoming") as MilestoneStatus, line: def.action };
    milestones.push({ ...base, ...judged });
  }
  milestones.sort((a, b) => firstDay(a).localeCompare(firstDay(b)) || a.id.localeCompare(b.id));
  // The first thing still ahead is what to work on now (with anything due the same day).
  const next = milestones.find((m) => m.status === "upcoming");
  for (const m of milestones) {
    if (next && m.status === "upcoming" && firstDay(m) === firstDay(next)) m.status = "next";
  }
  return {
    season: input.season,
    zone: input.zone,
    today,
    milestones,
    estimated: milestones.some((m) => m.estimated),
    seasons: calendarSeasons(knowledge),
  };
}

const EXAM_NAME: Record<Exam, string> = { step1: "Step 1", step2ck: "Step 2 CK", step3: "Step 3" };
const SAVE_RESULT: Record<Exam, string> = {
  step1: "step1:pass",
  step2ck: "step2ck:<score>",
  step3: "step3:pass",
};

/** An exam milestone from the profile: passed, booked in time, booked too late, or not booked. */
function judgeExam(
  def: MilestoneDefinition,
  exam: Exam,
  profile: Profile,
  deadline: string,
  today: string,
  knowledge: KnowledgeBase,
): { status: MilestoneStatus; line: string } {
  const name = EXAM_NAME[exam];
  const result =
    exam === "step2ck" ? (profile.step2ck_score !== undefined ? "pass" : undefined) : profile[exam];
  if (result === "pass") return { status: "done", line: `${name} passed.` };
  const weeks = def.results_fact ? knowledge.factAt(def.results_fact, today) : undefined;
  const allow = typeof weeks?.value === "number" ? weeks.value * 7 : 0;
  const booked = profile.exam_dates[exam];
  if (result === "fail" && (!booked || booked < today)) {
    return {
      status: deadline < today ? "missed" : "at_risk",
      line: `${name} not yet passed: book the retake. ${def.action}`,
    };
  }
  if (booked && booked >= today) {
    const resultBy = addDays(booked, allow);
    if (resultBy > deadline) {
      return {
        status: "at_risk",
        line: `Your ${name} on ${formatDay(booked)} leaves too little time: allow about ${allow / 7} weeks for the result, which puts it after ${formatDay(deadline)}. ${def.action}`,
      };
    }
    return {
      status: "upcoming",
      line: `${name} booked for ${formatDay(booked)}; the result should be out by ${formatDay(resultBy)}, in time. ${def.action}`,
    };
  }
  if (deadline < today) {
    // Judged from the profile: say how to put it right when the profile simply does not say.
    const unsaid =
      result === undefined ? ` If you have passed it, save it: /profile set ${SAVE_RESULT[exam]}.` : "";
    return {
      status: "missed",
      line: `${name} was not done by ${formatDay(deadline)}.${unsaid} ${def.action}`,
    };
  }
  const latest = addDays(deadline, -allow);
  const late = latest < today;
  return {
    status: late ? "at_risk" : "upcoming",
    line: late
      ? `Even sitting ${name} today, the result may come after ${formatDay(deadline)}. ${def.action}`
      : `Sit ${name} by ${formatDay(latest)} at the latest (results can take about ${allow / 7} weeks). ${def.action}`,
  };
}
