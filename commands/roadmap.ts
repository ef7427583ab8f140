import * as z from "zod";
import { type CommandContext, defineCommand, defineCommandGroup } from "../src/core/command.ts";
import { UserError } from "../src/core/errors.ts";
import { privateOnly } from "../src/core/preconditions.ts";
import { matchYearSchema } from "../src/core/records.ts";
import { type Field, fields, paragraph, reply, type SourceRef } from "../src/core/reply.ts";
import { roadmapCalendar } from "../src/engine/roadmap/calendar.ts";
import {
  buildRoadmap,
  defaultSeason,
  type LocalWhen,
  type Milestone,
  matchProblem,
  type Roadmap,
} from "../src/engine/roadmap/roadmap.ts";
import { daysLeftText, milestoneStatusText, whenText } from "../src/engine/roadmap/text.ts";

const options = z.object({
  match: matchYearSchema
    .optional()
    .meta({ placeholder: "year" })
    .describe("The Match, by year (2028 = March 2028); default: your saved one, or the next you can enter"),
});

/** The user's roadmap for the Match asked for, saved in the profile, or the next one open. */
async function roadmapFor(match: number | undefined, { caller, services }: CommandContext): Promise<Roadmap> {
  const { store, clock, knowledge } = services;
  const profile = await store.profiles.get(caller.userId);
  const now = clock.now();
  const season = match ?? profile.match ?? defaultSeason(knowledge, now);
  const problem = matchProblem(knowledge, season, now);
  if (problem) {
    const saved = match === undefined && profile.match !== undefined;
    throw new UserError(saved ? `${problem} Save another with /profile set match:<year>.` : problem);
  }
  return buildRoadmap(knowledge, { profile, now, zone: profile.timezone ?? "UTC", season });
}

/** What the footer says about estimated dates: every reply that uses one says so. */
function seasonNote(map: Roadmap): string {
  const marked = map.milestones.filter((m) => m.estimated).length;
  if (marked === 0) return `Dates for the ${map.season} Match as published.`;
  return `${marked} of these dates for the ${map.season} Match are estimates from the last published season's pattern (marked "estimated"); check the official ERAS, NRMP and ECFMG calendars.`;
}

/** Every source the roadmap uses, each once: the dates' and the rules'. */
function sourcesOf(map: Roadmap): SourceRef[] {
  const all = map.milestones.flatMap((m) => [m.source, ...m.rules.map((rule) => rule.source)]);
  const seen = new Map<string, SourceRef>();
  for (const source of all) seen.set(`${source.title}|${source.url ?? ""}`, source);
  return [...seen.values()];
}

function milestoneField(m: Milestone, today: string): Field {
  const estimated = m.estimated ? " (estimated date)" : "";
  // Done ahead of its deadline: a countdown to it would read as something still to do.
  const when =
    m.status === "done" && m.daysLeft > 0
      ? `Needed by ${whenText(m)}${estimated}; already done`
      : `${whenText(m)}, ${daysLeftText(m, today)}${estimated}`;
  return { name: `${milestoneStatusText(m.status)}: ${m.title}`, value: `${when}\n${m.line}` };
}

/** A clock time in the user's zone, the instant, and the official wording, when the day has one. */
const timing = (when: LocalWhen) =>
  when.at ? { time: when.time, at: when.at.toISOString(), official: when.official } : {};

/** A milestone as `--json` gives it: its date (or window) in the user's zone, status and source. */
function milestoneData(m: Milestone) {
  return {
    id: m.id,
    title: m.title,
    ...("from" in m.when
      ? {
          date: { from: m.when.from.day, to: m.when.to.day },
          from: timing(m.when.from),
          to: timing(m.when.to),
        }
      : { date: m.when.day, ...timing(m.when) }),
    status: m.status,
    estimated: m.estimated,
    days_left: m.daysLeft,
    line: m.line,
    source: m.source,
    rules: m.rules,
  };
}

const show = defineCommand({
  name: "show",
  description: "Your dated checklist for a Match, in your time zone",
  options,
  preconditions: [privateOnly],
  async run({ match }, ctx) {
    const map = await roadmapFor(match, ctx);
    const zoneNote =
      map.zone === "UTC"
        ? "Times are in UTC: save your zone with /profile set timezone:Area/City to see them in yours."
        : `Times are in ${map.zone}.`;
    const atRisk = map.milestones.filter((m) => m.status === "at_risk" || m.status === "missed");
    return reply({
      title: `Your road to the ${map.season} Match`,
      blocks: [
        paragraph(
          `Today is ${map.today}. ${zoneNote} ${atRisk.length > 0 ? `${atRisk.length} milestone(s) need attention now.` : "Nothing is at risk yet."} /roadmap export gives it as a calendar file.`,
        ),
        fields(map.milestones.map((m) => milestoneField(m, map.today))),
      ],
      footer: { sources: sourcesOf(map), note: seasonNote(map) },
      data: {
        season: map.season,
        zone: map.zone,
        today: map.today,
        estimated: map.estimated,
        milestones: map.milestones.map(milestoneData),
      },
    });
  },
});

const exportCommand = defineCommand({
  name: "export",
  description: "Your roadmap as a calendar file (.ics) for Google Calendar or Outlook",
  options,
  preconditions: [privateOnly],
  async run({ match }, ctx) {
    const map = await roadmapFor(match, ctx);
    const file = await roadmapCalendar(map, ctx.services.clock.now());
    return reply({
      title: `Your ${map.season} Match roadmap as a calendar`,
      blocks: [
        paragraph(
          `${map.milestones.length} milestones. Deadlines with a clock time are set at their exact moment, so your calendar shows them in your own time zone (${map.zone} here); days without a time are all-day events. Import the file in Google Calendar (Settings, Import) or Outlook (Add calendar, Upload from file); importing a newer export updates the same events.`,
        ),
      ],
      footer: { note: seasonNote(map) },
      files: [file],
      data: { season: map.season, zone: map.zone, events: map.milestones.length, file_name: file.name },
    });
  },
});

export const roadmap = defineCommandGroup({
  name: "roadmap",
  description: "Your dated road to the Match: a checklist, or a calendar file",
  subcommands: [show, exportCommand],
  defaultSubcommand: "show",
});
