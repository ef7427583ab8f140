import type { KnowledgeBase } from "../knowledge/knowledge.ts";
import { asksAboutStanding, findScoreMention, type ScoreMention } from "../scores/scoreMention.ts";
import type { FaqAnswer } from "./faq.ts";

/** How /ask will answer a question: from the engine (a score check) or from the knowledge base. */
export type AskDecision = { kind: "score"; mention: ScoreMention } | FaqAnswer;

/**
 * A question that gives a score and asks how it stands is answered from the engine, not prose;
 * clinical questions are refused before anything else; the rest goes to the FAQ search.
 */
export function decide(knowledge: KnowledgeBase, question: string): AskDecision {
  const { faq } = knowledge;
  if (!faq.isClinical(question)) {
    const mention = findScoreMention(question);
    const otherExam = mention?.examFrom === "assumed" && faq.mentionsOtherExam(question);
    if (mention && asksAboutStanding(question) && !otherExam) return { kind: "score", mention };
  }
  return faq.ask(question);
}
