import type { SourceRef } from "../../core/reply.ts";
import { type Fact, formatDay, type KnowledgeBase, type Range } from "./knowledge.ts";

/** A figure read from the knowledge base, kept with the fact it came from so replies can cite it. */
export interface Figure<T> {
  value: T;
  fact: Fact;
}

/** A numeric fact in force on `day`; a missing or non-numeric fact is a knowledge-base bug. */
export function numberFact(knowledge: KnowledgeBase, id: string, day: string): Figure<number> {
  const fact = knowledge.requireFact(id, day);
  if (typeof fact.value !== "number") throw new Error(`knowledge: fact ${id} must be a number`);
  return { value: fact.value, fact };
}

/** A {min, max} fact in force on `day`. */
export function rangeFact(knowledge: KnowledgeBase, id: string, day: string): Figure<Range> {
  const fact = knowledge.requireFact(id, day);
  const { value } = fact;
  if (typeof value !== "object" || !("min" in value))
    throw new Error(`knowledge: fact ${id} must be a {min, max} range`);
  return { value, fact };
}

/**
 * Where a figure comes from, in a few words: "USMLE Score Interpretation Guidelines, 2024-25".
 * Whether it is verified is said once per reply (caveatLine), not after every figure.
 */
export function provenance(fact: Fact): string {
  const edition = fact.edition ?? `in force from ${formatDay(fact.valid_from)}`;
  return `${fact.source.title}, ${edition}`;
}

/** "250 (USMLE Score Interpretation Guidelines, 2024-25)". */
export function cite(figure: Figure<number>): string {
  return `${figure.value} (${provenance(figure.fact)})`;
}

/** The distinct sources of the facts a reply used, for its footer. */
export function sourcesOf(facts: readonly Fact[]): SourceRef[] {
  return uniqueSources(facts.map((fact) => fact.source));
}

/** One entry per page: several facts often come from one publication under slightly different titles. */
export function uniqueSources(sources: readonly SourceRef[]): SourceRef[] {
  const seen = new Map<string, SourceRef>();
  for (const source of sources) {
    const key = source.url ?? source.title;
    if (!seen.has(key)) seen.set(key, source.url ? { ...source } : { title: source.title });
  }
  return [...seen.values()];
}
