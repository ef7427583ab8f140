import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import * as z from "zod";
import { entryReply } from "../commands/ask.ts";
import { renderPlain } from "../src/adapters/console/render.ts";
import { decide } from "../src/engine/faq/decide.ts";
import { placeholdersIn } from "../src/engine/knowledge/knowledge.ts";
import { KnowledgeError, loadKnowledge } from "../src/knowledge/load.ts";
import { KNOWLEDGE_DIR, testKnowledge } from "./helpers.ts";

const DISCORD_MESSAGE_LIMIT = 2000;
const TODAY = "2026-11-29";
const SEED_GUIDE = /Stepwise seed guide/;

describe("knowledge base", async () => {
  const knowledge = await testKnowledge();

  it("loads with valid front matter, unique ids and no dangling links (the loader checks these)", () => {
    expect(knowledge.entries.length).toBeGreaterThan(0);
    expect(new Set(knowledge.entries.map((e) => e.id)).size).toBe(knowledge.entries.length);
    for (const entry of knowledge.entries) {
      for (const id of entry.related) expect(knowledge.entry(id), `${entry.id} -> ${id}`).toBeDefined();
    }
  });

  it.each(knowledge.entries.map((e) => [e.id, e] as const))(
    "%s fits one chat message with its sources",
    (_id, entry) => {
      // Three related titles is the most an answer ever carries.
      const related = knowledge.entries.filter((e) => e.id !== entry.id).slice(0, 3);
      const text = renderPlain(entryReply(knowledge, entry, related, TODAY));
      expect(text.length).toBeLessThan(DISCORD_MESSAGE_LIMIT);
    },
  );

  it("GIVEN any entry's title asked as it is shown THEN /ask answers with that entry", () => {
    // A decline lists the closest entries by title and says "ask about one": that must lead there.
    const misrouted = knowledge.entries.flatMap((entry) => {
      const asked = decide(knowledge, knowledge.fillFacts(entry.title, TODAY));
      const got = asked.kind === "answer" ? asked.hit.entry.id : asked.kind;
      return got === entry.id ? [] : [`${entry.id} -> ${got}`];
    });
    expect(misrouted).toEqual([]);
  });

  it("every fact placeholder in every entry resolves today", () => {
    for (const entry of knowledge.entries) {
      for (const { id, at } of placeholdersIn(entry.body)) {
        expect(knowledge.factAt(id, at ?? TODAY), `${entry.id} uses ${id}`).toBeDefined();
      }
      expect(knowledge.fillFacts(entry.body, TODAY)).not.toMatch(/\{\{|\}\}/);
    }
  });

  it("GIVEN the whole base THEN it has at least 40 entries, 20 nudges and an entry in every topic", () => {
    expect(knowledge.entries.length).toBeGreaterThanOrEqual(40);
    expect(knowledge.entries.filter((e) => e.nudge).length).toBeGreaterThanOrEqual(20);
    for (const topic of knowledge.topics) {
      expect(
        knowledge.entries.some((e) => e.topic === topic.id),
        `topic ${topic.id} has no entry`,
      ).toBe(true);
    }
  });

  it.each(knowledge.entries.map((e) => [e.id, e] as const))(
    "%s is plain paragraphs and bullets, with 3-8 phrasings and curated related entries",
    (_id, entry) => {
      // Renderers escape plain text; Markdown emphasis, headings, links or code would show as symbols.
      expect(entry.body).not.toMatch(/\*\*|__|`|\[[^\]]*\]\(|^\s*#|^\s*(\*|\d+\.)\s/m);
      expect(entry.questions.length).toBeGreaterThanOrEqual(3);
      expect(entry.questions.length).toBeLessThanOrEqual(8);
      expect(entry.related.length).toBeGreaterThan(0);
      expect(entry.reviewed <= TODAY, `reviewed ${entry.reviewed} is in the future`).toBe(true);
      if (entry.nudge) expect(entry.nudge).not.toMatch(/\{\{/);
    },
  );

  it("GIVEN a fact with a value of 100 or more THEN no entry writes that number out instead of the placeholder", () => {
    const numbers = new Set(
      knowledge.facts.flatMap((f) =>
        typeof f.value === "number" && f.value >= 100 ? [String(f.value)] : [],
      ),
    );
    for (const entry of knowledge.entries) {
      const prose = `${entry.title}\n${entry.body}\n${entry.nudge ?? ""}`.replace(/\{\{[^}]*\}\}/g, "");
      for (const number of numbers) {
        expect(prose, `${entry.id} writes ${number}`).not.toMatch(
          new RegExp(`(?<![\\d.-])${number}(?![\\d])`),
        );
      }
    }
  });

  it("GIVEN an entry's `unverified` note THEN it is one short line (issue #11: one quiet caveat per reply)", () => {
    for (const entry of knowledge.entries) {
      if (entry.unverified === undefined) continue;
      expect(entry.unverified.length, entry.id).toBeLessThanOrEqual(160);
      expect(entry.unverified, entry.id).not.toMatch(/\n/);
    }
  });

  it("GIVEN an entry that uses an unverified fact THEN it says so in `unverified`", () => {
    for (const entry of knowledge.entries) {
      const unverified = placeholdersIn(entry.body).filter(
        ({ id, at }) => knowledge.factAt(id, at ?? TODAY)?.verified === false,
      );
      if (unverified.length > 0) {
        expect(entry.unverified, `${entry.id} uses ${unverified.map((p) => p.id).join(", ")}`).toBeDefined();
      }
    }
  });

  it("every fact names its source and whether it was verified", () => {
    for (const fact of knowledge.facts) {
      expect(fact.source.title.length).toBeGreaterThan(3);
      expect(typeof fact.verified).toBe("boolean");
    }
  });
});

const guideSectionsSchema = z.strictObject({
  sections: z.array(
    z.strictObject({
      title: z.string(),
      parts: z.array(z.strictObject({ title: z.string(), entries: z.array(z.string()).min(1) })).min(1),
    }),
  ),
  official_rules: z.array(z.string()),
});

describe("guide coverage", async () => {
  const knowledge = await testKnowledge();
  const coverage = guideSectionsSchema.parse(
    parseYaml(await readFile(new URL("./guide-sections.yaml", import.meta.url), "utf8")),
  );
  const mapped = [
    ...coverage.sections.flatMap((s) => s.parts.flatMap((p) => p.entries)),
    ...coverage.official_rules,
  ];

  it("GIVEN the guide's main sections THEN each one, in order, has parts covered by real entries", () => {
    expect(coverage.sections.map((s) => s.title)).toEqual([
      "Understanding Step Scores in the Context of Medicine-Psychiatry",
      "Step 1: Strategy, Timing, and Damage Control",
      "Step 2 CK: The Centerpiece of Your Application",
      "When Your Step Scores Aren't Ideal: Salvaging and Strengthening Your Application",
      "Integrating Step Strategy Into Your Overall Med Psych Application",
      "Putting It All Together: A Step-by-Step Action Plan",
      "Frequently Asked Questions (FAQ)",
    ]);
    for (const id of mapped) expect(knowledge.entry(id), `guide-sections.yaml names ${id}`).toBeDefined();
  });

  it("GIVEN the guide's FAQ THEN all four of its questions have an entry", () => {
    const faq = coverage.sections.find((s) => s.title.startsWith("Frequently Asked"));
    expect(faq?.parts.map((p) => p.title.slice(0, 2))).toEqual(["1.", "2.", "3.", "4."]);
  });

  it("GIVEN an entry drawn from the guide THEN a guide section or an official rule accounts for it", () => {
    for (const entry of knowledge.entries) {
      if (entry.sources.some((s) => SEED_GUIDE.test(s.title))) expect(mapped, entry.id).toContain(entry.id);
    }
  });

  it("GIVEN an entry not drawn from the guide THEN every source it cites has a web address", () => {
    for (const entry of knowledge.entries) {
      if (entry.sources.some((s) => SEED_GUIDE.test(s.title))) continue;
      for (const source of entry.sources) expect(source.url, `${entry.id}: ${source.title}`).toBeDefined();
    }
  });
});

describe("knowledge loader", () => {
  async function brokenCopy(write: (dir: string) => Promise<void>): Promise<string[]> {
    const dir = await mkdtemp(join(tmpdir(), "stepwise-kb-"));
    try {
      await cp(KNOWLEDGE_DIR, dir, { recursive: true });
      // The broken entries go in faq/step1/, which the copy only has once that topic has entries.
      await mkdir(join(dir, "faq/step1"), { recursive: true });
      await write(dir);
      await loadKnowledge(dir);
      return [];
    } catch (error) {
      if (error instanceof KnowledgeError) return error.problems;
      throw error;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  const entry = (front: string, body = "An answer.") => `---\n${front}\n---\n${body}\n`;
  const base = `title: A test entry\ntopic: step1\nquestions: [one question here, another question]\nsources: [{title: Guide}]\nreviewed: 2026-11-25`;

  it("GIVEN a related id that does not exist THEN it names the entry and the id", async () => {
    const problems = await brokenCopy((dir) =>
      writeFile(join(dir, "faq/step1/test-a.md"), entry(`id: test-a\n${base}\nrelated: [no-such-entry]`)),
    );
    expect(problems).toContain("test-a: related entry no-such-entry does not exist");
  });

  it("GIVEN two entries with one id THEN it reports the duplicate", async () => {
    const problems = await brokenCopy(async (dir) => {
      await writeFile(join(dir, "faq/step1/test-a.md"), entry(`id: test-a\n${base}`));
      await writeFile(join(dir, "faq/step1/test-b.md"), entry(`id: test-a\n${base}`));
    });
    expect(problems).toContain("entry id test-a is used twice");
  });

  it("GIVEN a missing field or unknown fact THEN the file is named", async () => {
    const problems = await brokenCopy(async (dir) => {
      await writeFile(join(dir, "faq/step1/test-c.md"), entry("id: test-c\ntitle: No topic here"));
      await writeFile(
        join(dir, "faq/step1/test-d.md"),
        entry(`id: test-d\n${base}`, "Pass is {{no.such.fact}}."),
      );
    });
    expect(problems.some((p) => p.startsWith("faq/step1/test-c.md: topic"))).toBe(true);
    expect(problems).toContain("test-d: refers to unknown fact {{no.such.fact}}");
  });
});
