import type { Fact, KnowledgeBase } from "./knowledge.ts";

/**
 * One line naming the Match season an answer's dates belong to, and saying plainly when that season
 * is over (the next one's dates were not published when the entry was reviewed) or when some dates
 * are estimates from the previous season's pattern.
 */
export function seasonNote(
  knowledge: KnowledgeBase,
  facts: readonly Fact[],
  today: string,
): string | undefined {
  const seasonal = facts.filter((fact) => fact.season !== undefined);
  const season = Math.max(...seasonal.map((fact) => fact.season ?? 0));
  if (seasonal.length === 0) return undefined;
  const matchDay = knowledge.facts.find((f) => f.id === "season.match_day" && f.season === season);
  if (matchDay && typeof matchDay.value === "string" && matchDay.value < today) {
    return `These figures are for the ${season} Match, which is over; the ${season + 1} ones were not yet published when this was reviewed.`;
  }
  const estimated = seasonal.some((fact) => fact.estimated && fact.season === season);
  return estimated
    ? `For the ${season} Match; some dates are estimates from last season's pattern (not yet published).`
    : `For the ${season} Match.`;
}
