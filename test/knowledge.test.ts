import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entryReply } from "../commands/ask.ts";
import { renderPlain } from "../src/adapters/console/render.ts";
import { placeholdersIn } from "../src/engine/knowledge.ts";
import { KnowledgeError, loadKnowledge } from "../src/knowledge/load.ts";
import { KNOWLEDGE_DIR, testKnowledge } from "./helpers.ts";

const DISCORD_MESSAGE_LIMIT = 2000;
const TODAY = "2026-11-25";

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

  it("every fact placeholder in every entry resolves today", () => {
    for (const entry of knowledge.entries) {
      for (const { id, at } of placeholdersIn(entry.body)) {
        expect(knowledge.factAt(id, at ?? TODAY), `${entry.id} uses ${id}`).toBeDefined();
      }
      expect(knowledge.fillFacts(entry.body, TODAY)).not.toMatch(/\{\{|\}\}/);
    }
  });

  it("every fact names its source and whether it was verified", () => {
    for (const fact of knowledge.facts) {
      expect(fact.source.title.length).toBeGreaterThan(3);
      expect(typeof fact.verified).toBe("boolean");
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
