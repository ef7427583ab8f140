import * as z from "zod";
import { defineCommand } from "../src/core/command.ts";
import { todayIn } from "../src/core/dates.ts";
import { bullets, type Choice, paragraph, type Reply, reply } from "../src/core/reply.ts";
import { decide } from "../src/engine/faq/decide.ts";
import { type FaqAnswer, RELATED_SHOWN } from "../src/engine/faq/faq.ts";
import { scoreAnswer } from "../src/engine/faq/scoreAnswer.ts";
import { type Entry, formatDay, type KnowledgeBase } from "../src/engine/knowledge/knowledge.ts";
import { seasonNote } from "../src/engine/knowledge/seasons.ts";

const NOT_ADVICE = "General guidance, not official USMLE/NRMP information or medical advice.";

/** What Stepwise does cover, for questions outside it: the topics to try instead. */
function scope(knowledge: KnowledgeBase) {
  return [
    paragraph(
      "I answer questions on USMLE strategy and residency applications for IMGs, especially medicine-psychiatry. Topics to try:",
    ),
    bullets(knowledge.topics.map((topic) => `${topic.title} (/topics ${topic.id})`)),
  ];
}

export const ask = defineCommand({
  name: "ask",
  description: "Ask a question about USMLE strategy, med-psych or your application",
  options: z.object({
    question: z.string().trim().min(3).max(500).describe("Your question, in your own words"),
  }),
  rest: "question",
  async run({ question }, { caller, services }) {
    const profile = await services.store.profiles.get(caller.userId);
    const today = todayIn(services.clock, profile.timezone);
    // An entry's id is what the buttons under a reply send (see choicesOf): that entry, as it is.
    const picked = services.knowledge.entry(question.toLowerCase());
    if (picked)
      return entryReply(services.knowledge, picked, curatedRelated(services.knowledge, picked), today);
    const decision = decide(services.knowledge, question);
    if (decision.kind === "score")
      return scoreAnswer(services.knowledge, decision.mention, today, profile.step1);
    return answer(services.knowledge, decision, today);
  },
});

const curatedRelated = (knowledge: KnowledgeBase, entry: Entry): Entry[] =>
  entry.related.flatMap((id) => knowledge.entry(id) ?? []).slice(0, RELATED_SHOWN);

/** Entries offered as buttons: a tap asks for that entry by its id. */
const choicesOf = (knowledge: KnowledgeBase, entries: readonly Entry[], today: string): Choice[] =>
  entries.map((entry) => ({ label: knowledge.fillFacts(entry.title, today), line: `/ask ${entry.id}` }));

/** What a decline says: no entry covers the question, or two or more fit it about equally. */
const DECLINED = {
  title: "No vetted answer",
  why: "I don't have a vetted answer to that, and I'd rather say so than guess.",
  offer: "The closest entries I have (open one, or rephrase your question):",
};
const ASKED_BACK = {
  title: "Which of these do you mean?",
  why: "Your question fits more than one entry about equally well, and I'd rather ask than guess.",
  offer: "Open the one you mean (the first ones fit best), or add a word or two:",
};

/** The /ask reply: a vetted entry with sources, or an honest abstention with places to look. */
export function answer(knowledge: KnowledgeBase, result: FaqAnswer, today: string): Reply {
  if (result.kind === "abstain" && result.reason === "clinical") {
    return reply({
      title: "No vetted answer",
      blocks: [
        paragraph(
          "That sounds like a clinical question (doses, treatments, medications). Stepwise never gives medical advice: please check a clinical reference or ask a clinician.",
        ),
        ...scope(knowledge),
      ],
      data: { match: null, reason: "clinical" },
    });
  }
  if (result.kind === "abstain" && result.reason === "off_topic") {
    return reply({
      title: "No vetted answer",
      blocks: [paragraph("That is outside what Stepwise knows about."), ...scope(knowledge)],
      data: { match: null, reason: "off_topic" },
    });
  }
  if (result.kind === "abstain") {
    const suggestions = result.suggestions.map((e) => knowledge.fillFacts(e.title, today));
    const wording = result.reason === "ambiguous" ? ASKED_BACK : DECLINED;
    return reply({
      title: wording.title,
      blocks: [
        paragraph(wording.why),
        ...(suggestions.length > 0
          ? [paragraph(wording.offer), bullets(suggestions)]
          : [paragraph("Type /topics to see everything I can answer.")]),
      ],
      choices: choicesOf(knowledge, result.suggestions, today),
      data: { match: null, reason: result.reason, suggestions: result.suggestions.map((e) => e.id) },
    });
  }
  return entryReply(knowledge, result.hit.entry, result.related, today, result.hit.score);
}

/** One entry as a reply: its answer with facts filled in, what is unverified, related entries, sources. */
export function entryReply(
  knowledge: KnowledgeBase,
  entry: Entry,
  related: Entry[],
  today: string,
  score?: number,
): Reply {
  const blocks = knowledge.bodyBlocks(entry, today);
  const season = seasonNote(knowledge, knowledge.factsIn(`${entry.title}\n${entry.body}`, today), today);
  if (season) blocks.push(paragraph(season));
  // One short caveat line at most; the details stay in the entry's sources and its fact notes.
  if (entry.unverified) blocks.push(paragraph(`Not yet confirmed on an official page: ${entry.unverified}`));
  if (related.length > 0)
    blocks.push(paragraph("Related:"), bullets(related.map((e) => knowledge.fillFacts(e.title, today))));
  return reply({
    title: knowledge.fillFacts(entry.title, today),
    blocks,
    choices: choicesOf(knowledge, related, today),
    footer: { sources: entry.sources, note: `Reviewed ${formatDay(entry.reviewed)}. ${NOT_ADVICE}` },
    data: {
      match: { id: entry.id, title: entry.title },
      related: related.map((e) => e.id),
      ...(score === undefined ? {} : { score: Number(score.toFixed(2)) }),
    },
  });
}
