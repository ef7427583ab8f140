import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import * as z from "zod";
import { searchConfigSchema } from "../engine/faq/faq.ts";
import {
  type Entry,
  entryFrontMatterSchema,
  type Fact,
  factSchema,
  type KnowledgeData,
  placeholdersIn,
  topicSchema,
} from "../engine/knowledge/knowledge.ts";
import { roadmapSchema } from "../engine/roadmap/roadmap.ts";

/** Every problem found in the knowledge base, each naming its file. */
export class KnowledgeError extends Error {
  constructor(readonly problems: string[]) {
    super(`The knowledge base has ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
    this.name = "KnowledgeError";
  }
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/;

function listFiles(dir: string, extension: string): string[] {
  const found = readdirSync(dir, { recursive: true, withFileTypes: true });
  return found
    .filter((item) => item.isFile() && item.name.endsWith(extension))
    .map((item) => join(item.parentPath, item.name))
    .sort();
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(file)"}: ${issue.message}`).join("; ");
}

/**
 * Reads and checks knowledge/: topics, search vocabulary, dated facts and FAQ entries. Files are
 * read synchronously: a few dozen small files at start-up, where a thread-pool round trip per
 * file costs more than the read.
 */
export async function loadKnowledge(root: string): Promise<KnowledgeData> {
  const problems: string[] = [];
  // Loaded here, not up front: a start from the build's snapshot (snapshot.ts) never needs it.
  const { parse: parseYaml } = await import("yaml");
  const readYaml = (path: string): unknown => parseYaml(readFileSync(path, "utf8"));

  const topics = z.array(topicSchema).safeParse(readYaml(join(root, "topics.yaml")));
  if (!topics.success) problems.push(`topics.yaml: ${describe(topics.error)}`);
  const search = searchConfigSchema.safeParse(readYaml(join(root, "search.yaml")));
  if (!search.success) problems.push(`search.yaml: ${describe(search.error)}`);
  const roadmap = roadmapSchema.safeParse(await readYaml(join(root, "roadmap.yaml")));
  if (!roadmap.success) problems.push(`roadmap.yaml: ${describe(roadmap.error)}`);

  const facts: Fact[] = [];
  for (const path of listFiles(join(root, "reference"), ".yaml")) {
    const parsed = z.object({ facts: z.array(factSchema) }).safeParse(readYaml(path));
    if (parsed.success) facts.push(...parsed.data.facts);
    else problems.push(`${relative(root, path)}: ${describe(parsed.error)}`);
  }
  const factKeys = new Set<string>();
  for (const fact of facts) {
    const key = `${fact.id}@${fact.valid_from}`;
    if (factKeys.has(key)) problems.push(`fact ${fact.id} has two versions valid from ${fact.valid_from}`);
    factKeys.add(key);
  }

  const entries: Entry[] = [];
  for (const path of listFiles(join(root, "faq"), ".md")) {
    const file = relative(root, path);
    const match = FRONT_MATTER.exec(readFileSync(path, "utf8"));
    if (!match) {
      problems.push(`${file}: no front matter (the file must start with ---)`);
      continue;
    }
    const front = entryFrontMatterSchema.safeParse(parseYaml(match[1] ?? ""));
    if (!front.success) {
      problems.push(`${file}: ${describe(front.error)}`);
      continue;
    }
    const entry: Entry = { ...front.data, body: (match[2] ?? "").trim() };
    if (basename(path, ".md") !== entry.id)
      problems.push(`${file}: file name must be the id (${entry.id}.md)`);
    if (basename(dirname(path)) !== entry.topic) problems.push(`${file}: must sit in faq/${entry.topic}/`);
    if (entry.body === "") problems.push(`${file}: the answer is empty`);
    entries.push(entry);
  }

  const topicIds = new Set(topics.success ? topics.data.map((t) => t.id) : []);
  const ids = new Set<string>();
  for (const entry of entries) {
    if (ids.has(entry.id)) problems.push(`entry id ${entry.id} is used twice`);
    ids.add(entry.id);
    if (!topicIds.has(entry.topic)) problems.push(`${entry.id}: topic ${entry.topic} is not in topics.yaml`);
  }
  for (const entry of entries) {
    for (const id of entry.related) {
      if (!ids.has(id) || id === entry.id) problems.push(`${entry.id}: related entry ${id} does not exist`);
    }
    for (const { id, at } of placeholdersIn(`${entry.title}\n${entry.body}`)) {
      const versions = facts.filter((fact) => fact.id === id);
      if (versions.length === 0) problems.push(`${entry.id}: refers to unknown fact {{${id}}}`);
      else if (at && !versions.some((fact) => fact.valid_from <= at)) {
        problems.push(`${entry.id}: fact ${id} has no version in force on ${at}`);
      }
    }
  }

  if (search.success) {
    for (const [exam, bands] of Object.entries(search.data.score_answers)) {
      for (const [band, id] of Object.entries(bands ?? {})) {
        if (!ids.has(id))
          problems.push(`search.yaml: score_answers.${exam}.${band} names unknown entry ${id}`);
      }
    }
  }

  if (roadmap.success) {
    const factIds = new Set(facts.map((fact) => fact.id));
    for (const milestone of roadmap.data.milestones) {
      const used = [milestone.date.fact, milestone.until?.fact, milestone.results_fact, ...milestone.rules];
      for (const id of used.filter((fact) => fact !== undefined)) {
        if (!factIds.has(id)) problems.push(`roadmap.yaml: ${milestone.id} refers to unknown fact ${id}`);
      }
    }
  }

  if (problems.length > 0 || !topics.success || !search.success || !roadmap.success) {
    throw new KnowledgeError(problems);
  }
  return { topics: topics.data, entries, facts, search: search.data, roadmap: roadmap.data.milestones };
}
