import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { FaqIndex } from "../src/engine/faq/faq.ts";
import { testKnowledge } from "./helpers.ts";

/** The /ask quality gate: the share of right top answers and of right abstentions on real-sounding questions. */

const evalSetSchema = z.strictObject({
  answerable: z.array(
    z.strictObject({
      q: z.string().min(3),
      expect: z.union([z.string(), z.array(z.string()).min(1)]),
    }),
  ),
  abstain: z.array(z.string().min(3)),
});
type EvalSet = z.infer<typeof evalSetSchema>;

const MIN_CORRECT = 0.9;

async function loadSet(name: string): Promise<EvalSet> {
  const text = await readFile(new URL(`./eval/${name}`, import.meta.url), "utf8");
  return evalSetSchema.parse(parseYaml(text));
}

const expectedIds = (item: EvalSet["answerable"][number]) =>
  Array.isArray(item.expect) ? item.expect : [item.expect];

interface Score {
  answered: number;
  answerable: number;
  abstained: number;
  offTopic: number;
  misses: string[];
}

function score(faq: FaqIndex, set: EvalSet): Score {
  const misses: string[] = [];
  let answered = 0;
  for (const item of set.answerable) {
    const result = faq.ask(item.q);
    const got = result.kind === "answer" ? result.hit.entry.id : `abstain(${result.reason})`;
    if (expectedIds(item).includes(got)) answered++;
    else misses.push(`"${item.q}" -> ${got}, expected ${expectedIds(item).join(" | ")}`);
  }
  let abstained = 0;
  for (const q of set.abstain) {
    const result = faq.ask(q);
    if (result.kind === "abstain") abstained++;
    else misses.push(`"${q}" -> ${result.hit.entry.id}, expected an abstention`);
  }
  return { answered, answerable: set.answerable.length, abstained, offTopic: set.abstain.length, misses };
}

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;

function report(label: string, s: Score): void {
  console.log(
    `${label}: top answer right ${s.answered}/${s.answerable} (${percent(s.answered, s.answerable)}), ` +
      `abstained ${s.abstained}/${s.offTopic} (${percent(s.abstained, s.offTopic)})` +
      (s.misses.length > 0 ? `\n  misses:\n  - ${s.misses.join("\n  - ")}` : ""),
  );
}

describe("/ask evaluation", async () => {
  const knowledge = await testKnowledge();
  const main = await loadSet("questions.yaml");
  const dev = await loadSet("dev.yaml");
  const heldOut = await loadSet("held-out.yaml");
  const all = [main, dev, heldOut];

  it("GIVEN the eval sets THEN they are big enough and every expected id is a real entry", () => {
    expect(main.answerable.length).toBeGreaterThanOrEqual(80);
    expect(main.abstain.length).toBeGreaterThanOrEqual(20);
    for (const item of all.flatMap((set) => set.answerable)) {
      for (const id of expectedIds(item)) expect(knowledge.entry(id), `${item.q} -> ${id}`).toBeDefined();
    }
  });

  it("GIVEN the eval questions THEN none is a copy of an entry's title or phrasings", () => {
    const plain = (text: string) =>
      text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, " ")
        .trim();
    const phrasings = new Set(knowledge.entries.flatMap((e) => [e.title, ...e.questions]).map(plain));
    for (const item of all.flatMap((set) => set.answerable)) {
      expect(phrasings.has(plain(item.q)), item.q).toBe(false);
    }
  });

  it.each([
    ["questions.yaml (written before tuning)", main],
    ["dev.yaml (second set, tuned on)", dev],
    ["held-out.yaml (written after tuning)", heldOut],
  ] as const)(
    `GIVEN %s THEN at least ${MIN_CORRECT * 100}% of top answers and of abstentions are right`,
    (label, set) => {
      const s = score(knowledge.faq, set);
      report(label, s);
      expect(s.answered / s.answerable).toBeGreaterThanOrEqual(MIN_CORRECT);
      expect(s.abstained / s.offTopic).toBeGreaterThanOrEqual(MIN_CORRECT);
    },
  );
});
