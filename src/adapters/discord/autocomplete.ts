import type { Services } from "../../core/command.ts";
import { todayIn } from "../../core/dates.ts";

/** Discord shows at most 25 suggestions, each at most 100 characters. */
export const MAX_SUGGESTIONS = 25;
const MAX_SUGGESTION_LENGTH = 100;

export type Suggester = (partial: string, services: Services) => string[];

/** The knowledge base's titles and phrasings that match what the user has typed so far. */
export const faqSuggestions: Suggester = (partial, { knowledge, clock }) => {
  const today = todayIn(clock);
  const texts = knowledge.faq
    .suggest(partial)
    .flatMap((entry) => [entry.title, ...entry.questions].map((text) => knowledge.fillFacts(text, today)));
  return [...new Set(texts)].filter((text) => text.length <= MAX_SUGGESTION_LENGTH).slice(0, MAX_SUGGESTIONS);
};

/** Options that suggest values as the user types, keyed `command path.option`. */
export const suggesters: Readonly<Record<string, Suggester>> = {
  "ask.question": faqSuggestions,
};
