import * as z from "zod";
import type { Block, SourceRef } from "../../core/reply.ts";
import { FaqIndex, type SearchConfig } from "../faq/faq.ts";
import type { MilestoneDefinition } from "../roadmap/roadmap.ts";

/** Schemas of the knowledge base. The loader validates files against these; the engine trusts them. */

export const sourceSchema = z.object({
  title: z.string().min(3),
  url: z.url().optional(),
});

export const topicSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(3),
});

export const entryFrontMatterSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, "ids are lowercase words joined by hyphens"),
  title: z.string().min(5).max(120),
  topic: z.string(),
  questions: z.array(z.string().min(5)).min(2, "give at least two phrasings"),
  sources: z.array(sourceSchema).min(1),
  reviewed: z.iso.date(),
  related: z.array(z.string()).default([]),
  /** A one-line study tip for the scheduled nudges; entries without one are not used there. */
  nudge: z.string().min(10).max(280).optional(),
  /** What could not be checked against the official source, shown under the answer. */
  unverified: z.string().optional(),
});

/** A figure given as a span, e.g. "10-15 points above the mean" or "40-60 questions a day". */
export const rangeSchema = z
  .strictObject({ min: z.number(), max: z.number() })
  .refine((range) => range.min <= range.max, "min must not be above max");

/** A window of days, e.g. interview season or Match Week: `{ from: 2027-03-15, to: 2027-03-20 }`. */
export const dayRangeSchema = z
  .strictObject({ from: z.iso.date(), to: z.iso.date() })
  .refine((range) => range.from <= range.to, "from must not be after to");

export const factSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_.]+$/),
  label: z.string(),
  /** A few words naming the figure in a caveat line ("national mean"); the label when absent. */
  short: z.string().max(40).optional(),
  /** A number, a text, a numeric range, a day (YYYY-MM-DD) or a window of days. */
  value: z.union([z.number(), z.string(), rangeSchema, dayRangeSchema]),
  /** First day the value applies (exam date, report date or publication). */
  valid_from: z.iso.date(),
  /** Edition of the publication the figure comes from, e.g. "2024-25" or "NRMP Charting Outcomes 2026". */
  edition: z.string().optional(),
  /**
   * The Match the figure belongs to, for facts that change every application cycle (ERAS and Match
   * dates, signal counts, Pathway deadlines): 2027 means the cycle that ends in the Match of March
   * 2027 (ERAS 2027 season, applications sent in September 2026).
   */
  season: z.number().int().min(2000).max(2100).optional(),
  /** Copied from the last published season's pattern because this season's was not yet published. */
  estimated: z.boolean().optional(),
  /** Clock time of a deadline on the value's day (HH:MM), in `zone`. */
  time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
    .optional(),
  /** IANA time zone of `time`, e.g. America/New_York for deadlines given in Eastern Time. */
  zone: z.string().optional(),
  source: sourceSchema,
  verified: z.boolean(),
  note: z.string().optional(),
});

export type Topic = z.infer<typeof topicSchema>;
export type Range = z.infer<typeof rangeSchema>;
export type Fact = z.infer<typeof factSchema>;
export type EntryFrontMatter = z.infer<typeof entryFrontMatterSchema>;

/** A FAQ entry as the engine uses it: front matter plus its body split into blocks. */
export interface Entry extends EntryFrontMatter {
  /** Body as written, with `{{fact}}` placeholders still in. */
  body: string;
  sources: SourceRef[];
}

export interface KnowledgeData {
  topics: Topic[];
  entries: Entry[];
  facts: Fact[];
  search: SearchConfig;
  /** The milestones of a Match season (knowledge/roadmap.yaml). */
  roadmap: MilestoneDefinition[];
}

const PLACEHOLDER =
  /\{\{\s*([a-z0-9_.]+)(?:@(\d{4}-\d{2}-\d{2}))?(?:\|(from|edition|label|season|time))?\s*\}\}/g;

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** How deadlines' zones are said; written out, since Intl would map ICU data for a few names. */
const ZONE_NAMES: Record<string, string> = {
  "America/New_York": "Eastern Time",
  "America/Chicago": "Central Time",
  "America/Denver": "Mountain Time",
  "America/Los_Angeles": "Pacific Time",
  UTC: "UTC",
};

/** "America/New_York" -> "Eastern Time", as people say it (the IANA name for others). */
export function zoneName(zone: string): string {
  return ZONE_NAMES[zone] ?? zone;
}

/**
 * "2025-07-01" -> "1 July 2025". Written out rather than with Intl.DateTimeFormat: the first use
 * of Intl maps about 6 MB of ICU data into the process, for one fixed English format.
 */
export function formatDay(isoDay: string): string {
  const [year, month, day] = isoDay.split("-").map(Number);
  return `${day} ${MONTHS[(month ?? 1) - 1]} ${year}`;
}

/** The knowledge base in memory: entries, topics and dated facts. */
export class KnowledgeBase {
  readonly topics: readonly Topic[];
  readonly entries: readonly Entry[];
  readonly facts: readonly Fact[];
  readonly faq: FaqIndex;
  readonly roadmap: readonly MilestoneDefinition[];
  private readonly byId: Map<string, Entry>;
  private readonly search: SearchConfig;

  constructor(data: KnowledgeData) {
    this.topics = data.topics;
    this.entries = data.entries;
    this.facts = data.facts;
    this.byId = new Map(data.entries.map((entry) => [entry.id, entry]));
    this.search = data.search;
    this.roadmap = data.roadmap;
    this.faq = new FaqIndex(data.entries, data.search);
  }

  entry(id: string): Entry | undefined {
    return this.byId.get(id);
  }

  /** The entry whose advice follows a score check: by exam and band (or Step 1 verdict). */
  scoreEntry(exam: string, standing: string): Entry | undefined {
    const id = this.search.score_answers[exam as keyof SearchConfig["score_answers"]]?.[standing];
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** The version of a fact in force on `day` (YYYY-MM-DD): the latest one valid from on or before it. */
  factAt(id: string, day: string): Fact | undefined {
    let best: Fact | undefined;
    for (const fact of this.facts) {
      if (fact.id === id && fact.valid_from <= day && (!best || fact.valid_from > best.valid_from))
        best = fact;
    }
    return best;
  }

  /** Like factAt, but a missing fact is a bug in the knowledge base, not a user error. */
  requireFact(id: string, day: string): Fact {
    const fact = this.factAt(id, day);
    if (!fact) throw new Error(`knowledge: no fact ${id} in force on ${day}`);
    return fact;
  }

  /** Replaces `{{id}}`, `{{id@YYYY-MM-DD}}` and `{{id|from}}` / `|edition` / `|label` / `|season` / `|time` with facts in force. */
  fillFacts(text: string, today: string): string {
    return text.replace(
      PLACEHOLDER,
      (_match, id: string, at: string | undefined, part: string | undefined) => {
        const fact = this.requireFact(id, at ?? today);
        if (part === "from") return formatDay(fact.valid_from);
        if (part === "edition") return fact.edition ?? formatDay(fact.valid_from);
        if (part === "label") return fact.label;
        if (part === "time") return fact.time ? `${fact.time} ${zoneName(fact.zone ?? "UTC")}` : "";
        if (part === "season")
          return fact.season === undefined ? fact.valid_from.slice(0, 4) : String(fact.season);
        return factValueText(fact.value);
      },
    );
  }

  /** The facts a text's placeholders use on `today` (each version once). */
  factsIn(text: string, today: string): Fact[] {
    const used = placeholdersIn(text).map(({ id, at }) => this.requireFact(id, at ?? today));
    return [...new Set(used)];
  }

  /** The entry's body with facts filled in, as reply blocks (blank-line paragraphs, "- " bullets). */
  bodyBlocks(entry: Entry, today: string): Block[] {
    return toBlocks(this.fillFacts(entry.body, today));
  }
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A fact's value as written in text: "249", "100,000", "10-15" for a range, "1 June 2026" for a day. */
export function factValueText(value: Fact["value"]): string {
  if (typeof value === "object")
    return "min" in value
      ? `${value.min}-${value.max}`
      : `${formatDay(value.from)} to ${formatDay(value.to)}`;
  if (typeof value === "number" && Math.abs(value) >= 10_000) return value.toLocaleString("en-US");
  return typeof value === "string" && ISO_DAY.test(value) ? formatDay(value) : String(value);
}

/** Every fact id a text refers to, for the knowledge checks. */
export function placeholdersIn(text: string): Array<{ id: string; at?: string }> {
  return [...text.matchAll(PLACEHOLDER)].map(([, id = "", at]) => (at ? { id, at } : { id }));
}

/** Splits plain Markdown (paragraphs and "- " lists only) into reply blocks. */
export function toBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const chunk of markdown.trim().split(/\n\s*\n/)) {
    let current: Block | undefined;
    for (const line of chunk.split("\n").map((l) => l.trim())) {
      if (line.startsWith("- ")) {
        if (current?.kind === "bullets") current.items.push(line.slice(2).trim());
        else {
          current = { kind: "bullets", items: [line.slice(2).trim()] };
          blocks.push(current);
        }
      } else if (current?.kind === "paragraph") {
        current.text = `${current.text} ${line}`;
      } else {
        current = { kind: "paragraph", text: line };
        blocks.push(current);
      }
    }
  }
  return blocks;
}
