/** Headings of the strategy guide that advice is drawn from; tests name the section each rule implements. */
export type GuideSection =
  | "Timing relative to Step 2 CK"
  | "Avoiding a Step 1 failure"
  | "If you already have a Step 1 failure"
  | "Setting a realistic but ambitious target"
  | "Aligning prep with clinical experience"
  | "Resources and schedule"
  | "Sample 4-6 month Step 2 CK plan"
  | "Addressing low NBME or practice scores early"
  | "Understanding low Step score match realities"
  | "Strategic steps after a modest Step 2 CK"
  | "Applying strategically to maximize interviews";

/** One piece of advice, in Stepwise's own words, with the guide section it follows. */
export interface Advice {
  section: GuideSection;
  text: string;
}

/** Advice as bullet lines, each ending with the guide section it follows. */
export function adviceLines(advice: readonly Advice[]): string[] {
  return advice.map((a) => `${a.text} (guide: ${a.section})`);
}
