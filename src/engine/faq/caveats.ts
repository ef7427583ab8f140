import type { Fact } from "../knowledge/knowledge.ts";

/**
 * At most one short line per reply about figures not yet confirmed on an official page, naming
 * them; each figure's note and source stay in the knowledge base and the reply's source list.
 */
export function caveatLine(facts: readonly Fact[]): string | undefined {
  const names = [...new Set(facts.filter((f) => !f.verified).map((f) => f.short ?? f.label))];
  if (names.length === 0) return undefined;
  return `From secondary sources, not yet confirmed on an official page: ${names.join(", ")}.`;
}

/** A footer note with the reply's one caveat line after it, when it has one. */
export function withCaveat(note: string, facts: readonly Fact[]): string {
  const caveat = caveatLine(facts);
  return caveat ? `${note} ${caveat}` : note;
}
