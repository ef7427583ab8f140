import { addDays } from "../../core/dates.ts";
import type { Attachment } from "../../core/reply.ts";
import { firstDay, lastDay, type Milestone, type Roadmap } from "./roadmap.ts";
import { milestoneStatusText, whenText } from "./text.ts";

/**
 * A roadmap as an iCalendar file (RFC 5545) that Google Calendar and Outlook import, built with
 * ical-generator (loaded on first export: most runs never make one).
 *
 * - A deadline with a clock time is one instant, written in UTC (`DTSTART:...Z`). Every calendar
 *   shows a UTC instant in the viewer's own zone, so it is right whatever zone the calendar or the
 *   phone is set to, and needs no VTIMEZONE block (writing one needs the zone's rules as iCalendar
 *   data, another dependency, and a wrong or missing one makes Outlook misplace events). Each
 *   description gives the local time in the user's zone and the official Eastern Time wording.
 *   (ical-generator's calendar time zone is not used: it formats dates with the server's clock
 *   zone, and writes its X-WR-TIMEZONE after the events.)
 * - A day without a clock time stays all-day (`DTSTART;VALUE=DATE`), as does a window of days
 *   (Match Week, interview season), from its first to its last day inclusive.
 * - Each event's UID is the season and milestone, so importing a newer export updates the events
 *   instead of adding copies; SEQUENCE grows with each export for calendars that look at it.
 */

/** Minutes since 2026-01-01 UTC: grows with every export, so a later file's events are newer. */
const sequenceAt = (now: Date) => Math.max(0, Math.floor((now.getTime() - Date.UTC(2026, 0, 1)) / 60_000));

const utcDay = (day: string) => new Date(`${day}T00:00:00Z`);

/** The UID of a milestone's event: stable across exports of the same season. */
export const eventUid = (season: number, id: string) => `match-${season}-${id}@roadmap.stepwise`;

/** The calendar file's name. */
export const calendarFileName = (season: number) => `stepwise-match-${season}.ics`;

function describe(milestone: Milestone, zone: string): string {
  const lines = [
    `${milestoneStatusText(milestone.status)}: ${milestone.line}`,
    `When (${zone}): ${whenText(milestone)}`,
    ...(milestone.estimated
      ? ["This date is an estimate from the last published season's pattern; check the official calendar."]
      : []),
    `Source: ${milestone.source.title}${milestone.source.url ? ` ${milestone.source.url}` : ""}`,
    ...milestone.rules.map((rule) => `Rule: ${rule.says} (${rule.source.title})`),
  ];
  return lines.join("\n");
}

/** The roadmap's milestones as an .ics file. */
export async function roadmapCalendar(map: Roadmap, now: Date): Promise<Attachment> {
  const { default: ical } = await import("ical-generator");
  const calendar = ical({
    name: `Stepwise: the ${map.season} Match`,
    prodId: { company: "Stepwise", product: "Roadmap", language: "EN" },
  });
  const sequence = sequenceAt(now);
  for (const milestone of map.milestones) {
    const base = {
      id: eventUid(map.season, milestone.id),
      sequence,
      stamp: now,
      summary: `${milestone.title}${milestone.estimated ? " (estimated date)" : ""}`,
      description: describe(milestone, map.zone),
      ...(milestone.source.url ? { url: milestone.source.url } : {}),
    };
    const single = "day" in milestone.when ? milestone.when : undefined;
    if (single?.at) {
      calendar.createEvent({ ...base, start: single.at });
    } else {
      // All-day: the end is the day after the last one (DTEND is exclusive for dates).
      calendar.createEvent({
        ...base,
        allDay: true,
        start: utcDay(firstDay(milestone)),
        end: utcDay(addDays(lastDay(milestone), 1)),
      });
    }
  }
  const count = map.milestones.length;
  return {
    name: calendarFileName(map.season),
    mime: "text/calendar",
    data: new TextEncoder().encode(calendar.toString()),
    description: `Calendar of the ${map.season} Match: ${count} milestones for Google Calendar, Outlook or Apple Calendar (import the file).`,
  };
}
