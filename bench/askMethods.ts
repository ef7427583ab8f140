/**
 * Compares ways of matching a question to a knowledge-base entry on the real-question sets
 * (test/eval/real/): Stepwise's own (MiniSearch BM25 with rarity-weighted coverage and distinctive
 * terms), NLP.js's neural intent classifier with its None intent, and wink-nlp's BM25 vectors with
 * cosine similarity. All three share everything around the match: the clinical refusal, the topic
 * gate, the score check. Each method's threshold is chosen on the tuning part only; the held-out
 * part is then scored once with that threshold. Run: `npx tsx bench/askMethods.ts`.
 */
import { createRequire } from "node:module";
import { decide } from "../src/engine/faq/decide.ts";
import type { FaqAnswer } from "../src/engine/faq/faq.ts";
import type { Entry, KnowledgeBase } from "../src/engine/knowledge/knowledge.ts";
import {
  describeRealScore,
  loadRealSet,
  type RealQuestion,
  type RealScore,
  scoreRealSet,
} from "../test/eval/realSet.ts";
import { testKnowledge } from "../test/helpers.ts";

const require = createRequire(import.meta.url);

interface Match {
  entry: Entry;
  confidence: number;
}
/** A matcher ranks entries for a question; a threshold on its confidence decides when to answer. */
interface Method {
  name: string;
  match(question: string): Match | undefined;
  thresholds: number[];
  /** For asynchronous classifiers: classify these questions before `match` is asked about them. */
  prepare?(questions: readonly string[]): Promise<void>;
}

const utterances = (entry: Entry) => [entry.title, ...entry.questions];

/** The shared pipeline with the match step swapped: clinical, topic gate and score check as in /ask. */
function pipeline(knowledge: KnowledgeBase, method: Method, threshold: number) {
  return (question: string) => {
    const own = decide(knowledge, question);
    if (own.kind === "score" || (own.kind === "abstain" && own.reason !== "unsure")) return own;
    const found = method.match(question);
    if (!found || found.confidence < threshold) {
      return { kind: "abstain", reason: "unsure", suggestions: [] } satisfies FaqAnswer;
    }
    const hit = {
      entry: found.entry,
      score: found.confidence,
      scorePerTerm: 0,
      coverage: 0,
      weightedCoverage: 0,
      phrasingCoverage: 0,
      pairShare: 0,
      matched: new Set<string>(),
    };
    return { kind: "answer", hit, related: [] } satisfies FaqAnswer;
  };
}

function stepwise(knowledge: KnowledgeBase): Method {
  return {
    name: "Stepwise: MiniSearch BM25 + rarity-weighted coverage of the entry's phrasings",
    // The search.yaml threshold (min_phrasing_coverage) applies first; stricter ones trade answers for fewer wrong ones.
    thresholds: [0, 0.5, 0.6, 0.7, 0.8],
    match(question) {
      const answer = knowledge.faq.ask(question);
      return answer.kind === "answer"
        ? { entry: answer.hit.entry, confidence: answer.hit.phrasingCoverage }
        : undefined;
    },
  };
}

interface NlpJs {
  addLanguage(locale: string): void;
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<void>;
  process(locale: string, text: string): Promise<{ intent: string; score: number }>;
}

async function nlpjs(knowledge: KnowledgeBase): Promise<Method> {
  const { dockStart } = require("@nlpjs/basic") as {
    dockStart(s: object): Promise<{ get(n: string): NlpJs }>;
  };
  const dock = await dockStart({
    settings: {
      nlp: { languages: ["en"], autoSave: false, autoLoad: false, forceNER: false, nlu: { log: false } },
    },
    use: ["Basic", "LangEn"],
  });
  const nlp = dock.get("nlp");
  for (const entry of knowledge.entries) {
    for (const text of utterances(entry)) nlp.addDocument("en", text, entry.id);
  }
  await nlp.train();
  const classified = new Map<string, Match | undefined>();
  return {
    name: "NLP.js: neural intent classifier (None below threshold)",
    thresholds: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    match: (question) => classified.get(question),
    async prepare(questions) {
      for (const q of questions) {
        const r = await nlp.process("en", q);
        const entry = knowledge.entry(r.intent);
        classified.set(q, entry ? { entry, confidence: r.score } : undefined);
      }
    },
  };
}

interface WinkToken {
  out(what: unknown): string;
}
function wink(knowledge: KnowledgeBase): Method {
  const winkNLP = require("wink-nlp") as (model: unknown) => {
    readDoc(text: string): {
      tokens(): { filter(f: (t: WinkToken) => boolean): { out(what: unknown): string[] } };
    };
    its: Record<string, unknown>;
  };
  const nlp = winkNLP(require("wink-eng-lite-web-model"));
  const { its } = nlp;
  const BM25Vectorizer = require("wink-nlp/utilities/bm25-vectorizer") as () => {
    learn(tokens: string[]): void;
    doc(i: number): { out(what: unknown): Record<string, number> };
    bowOf(tokens: string[]): Record<string, number>;
  };
  const similarity = require("wink-nlp/utilities/similarity") as {
    bow: { cosine(a: Record<string, number>, b: Record<string, number>): number };
  };
  const tokens = (text: string) =>
    nlp
      .readDoc(text)
      .tokens()
      .filter((t) => t.out(its.type) === "word" && !t.out(its.stopWordFlag))
      .out(its.stem);
  const bm25 = BM25Vectorizer();
  const entries = [...knowledge.entries];
  for (const entry of entries) bm25.learn(tokens([...utterances(entry), entry.body].join("\n")));
  const bows = entries.map((_, i) => bm25.doc(i).out(its.bow));
  return {
    name: "wink-nlp: BM25 vectors, cosine similarity",
    thresholds: [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4],
    match(question) {
      const bow = bm25.bowOf(tokens(question));
      let best: Match | undefined;
      entries.forEach((entry, i) => {
        const confidence = similarity.bow.cosine(bow, bows[i] ?? {});
        if (!best || confidence > best.confidence) best = { entry, confidence };
      });
      return best;
    },
  };
}

const wrongRate = (s: RealScore) => s.wrong / s.total;

/** Threshold chosen on the tuning part: most right answers with at most 5% confidently wrong (else fewest wrong). */
function tune(knowledge: KnowledgeBase, method: Method, tuning: readonly RealQuestion[]) {
  const tried = method.thresholds.map((threshold) => ({
    threshold,
    score: scoreRealSet(tuning, pipeline(knowledge, method, threshold)),
  }));
  const safe = tried.filter((t) => wrongRate(t.score) <= 0.05).sort((a, b) => b.score.right - a.score.right);
  const chosen = safe[0] ?? tried.sort((a, b) => a.score.wrong - b.score.wrong)[0];
  if (!chosen) throw new Error(`no threshold for ${method.name}`);
  return chosen;
}

const tuningOnly = process.argv.includes("--tuning-only");
const knowledge = await testKnowledge();
const tuning = await loadRealSet("tuning");
const heldOut = await loadRealSet("held-out");
const methods = [stepwise(knowledge), await nlpjs(knowledge), wink(knowledge)];
for (const method of methods) {
  await method.prepare?.([...tuning, ...heldOut].map((i) => i.q));
  const chosen = tune(knowledge, method, tuning);
  console.log(`\n${method.name} (threshold ${chosen.threshold}, chosen on the tuning part)`);
  console.log(`  ${describeRealScore("tuning", chosen.score)}`);
  if (!tuningOnly) {
    const held = scoreRealSet(heldOut, pipeline(knowledge, method, chosen.threshold));
    console.log(`  ${describeRealScore("held-out", held)}`);
    // Every threshold on the held-out part too, to compare methods at the same rate of wrong answers.
    for (const threshold of method.thresholds) {
      const at = scoreRealSet(heldOut, pipeline(knowledge, method, threshold));
      console.log(`    at ${threshold}: right ${at.right}/${at.answerable}, wrong ${at.wrong}/${at.total}`);
    }
  }
}
