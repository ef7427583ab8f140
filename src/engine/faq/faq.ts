import MiniSearch from "minisearch";
import { stemmer } from "stemmer";
import * as z from "zod";
import type { Entry } from "../knowledge/knowledge.ts";

/** The field's vocabulary, kept as data in knowledge/search.yaml. */
export const searchConfigSchema = z.strictObject({
  /**
   * Shorthand -> its words, matched with case before anything else, so "IM" (internal medicine) and
   * "PS" (personal statement) expand while "im" (I'm) and "ps" stay ordinary words.
   */
  shorthand: z.record(z.string().min(2), z.string().min(2)).default({}),
  /** Canonical token -> the ways people write it ("h-1b", "h1b visa"). */
  synonyms: z.record(z.string().regex(/^[a-z0-9]+$/), z.array(z.string().min(1)).min(1)),
  /**
   * Words that show a question is about exams, residency or the application (folded like any text,
   * so "step 2" counts as Step 2 CK). A question with none of them is off-topic, however well a
   * generic word of it matches.
   */
  topic_terms: z.array(z.string().min(2)).min(1),
  /** Words that mark a clinical question (doses, treatments), which Stepwise never answers. */
  clinical_terms: z.array(z.string().min(2)),
  /**
   * Words that make a question about the application even when it names a treatment or an illness
   * ("in my personal statement, can I write about my mother's treatment?"): no clinical refusal then.
   */
  not_clinical_when: z.array(z.string().min(2)).default([]),
  /** Names of other countries' or other professions' exams: a score beside one is not a USMLE score. */
  other_exam_terms: z.array(z.string().min(2)).default([]),
  /**
   * The entry whose advice follows a score check, by exam and by where the score stands
   * (bands for three-digit scores; comfortable / borderline / at_risk for Step 1 practice forms).
   */
  score_answers: z
    .partialRecord(z.enum(["step1", "step2ck", "step3"]), z.record(z.string(), z.string()))
    .default({}),
  /**
   * Words that name what a question is about (OET, SOAP, signals, J-1...): an entry answers only if
   * it matches every one of them the question contains; otherwise /ask declines.
   */
  distinctive_terms: z.array(z.string().min(2)).default([]),
  /** How the BM25 ranking weighs an entry's parts and its term frequencies (MiniSearch options). */
  ranking: z
    .strictObject({
      boost: z.strictObject({ title: z.number(), questions: z.number(), body: z.number() }),
      bm25: z.strictObject({ k: z.number(), b: z.number(), d: z.number() }).optional(),
      /**
       * How much word pairs the question shares with an entry's title or one of its phrasings raise
       * its score ("pros and cons of a combined residency" over an entry that has the words apart):
       * the score is multiplied by 1 + phrase_boost x the share of the question's pairs found.
       */
      phrase_boost: z.number().min(0).default(0),
    })
    .default({ boost: { title: 2, questions: 3, body: 1 }, phrase_boost: 0 }),
  /** How sure the search must be before it answers. */
  thresholds: z.strictObject({
    /** BM25 score of the best entry divided by the question's meaningful words. */
    min_score_per_term: z.number().positive(),
    /** Share of the question's meaningful words the best entry must match. */
    min_coverage: z.number().min(0).max(1),
    /**
     * Share of the question's weight the entry must match, each word weighted by how rare it is in
     * the knowledge base (inverse document frequency; a word no entry has weighs the most). Long
     * questions score high against wrong entries on common words; this does not.
     */
    min_weighted_coverage: z.number().min(0).max(1).default(0),
    /**
     * The same share counted on the entry's title and phrasings only: the entry must be about what
     * the question asks, not merely mention its words somewhere in the answer.
     */
    min_phrasing_coverage: z.number().min(0).max(1).default(0),
    /**
     * Asks which entry is meant when another entry that also covers the question scores at least
     * this share of the best one's score and is at least as much about it (more of the question's
     * weight in its title and phrasings, or as much and as many of its word pairs): the question fits
     * both, so both are offered instead of a guess. 1 (the default) asks back only on a tie.
     */
    rival_ratio: z.number().min(0).max(1).default(1),
    /**
     * What a word no entry holds weighs in the coverage shares, as a share of the weight it would
     * have as the rarest word. Unknown words show a question may be about something else ("H-1B
     * lottery"), but at full weight a long message's everyday words ("massively", "cringey") alone
     * sank the entry it was about.
     */
    unseen_word_weight: z.number().min(0).max(1).default(1),
  }),
});
export type SearchConfig = z.infer<typeof searchConfigSchema>;

export interface FaqHit {
  entry: Entry;
  score: number;
  /** Score per meaningful word of the question, so long and short questions compare fairly. */
  scorePerTerm: number;
  /** Share of the question's meaningful words that the entry matched. */
  coverage: number;
  /** Share of the question's rarity-weighted words that the entry matched. */
  weightedCoverage: number;
  /** The same share, counting only words in the entry's title and phrasings. */
  phrasingCoverage: number;
  /** Share of the question's adjacent word pairs found in the entry's title or one of its phrasings. */
  pairShare: number;
  /** The question's words this entry matched. */
  matched: ReadonlySet<string>;
}

export type FaqAnswer =
  | { kind: "answer"; hit: FaqHit; related: Entry[] }
  | {
      kind: "abstain";
      /** `ambiguous`: two or more entries fit the question about equally; the first suggestions are they. */
      reason: "clinical" | "off_topic" | "unsure" | "ambiguous";
      suggestions: Entry[];
    };

// Common words and chat filler that carry no topic; kept short on purpose so "fail", "before",
// "after" and "need" still count.
const STOP_WORDS = new Set(
  `a an and are as at be been but by can could do does did for from had has have how i i'm if in into is it its
  me my of on or our should so than that the their them then there these they this to too was we were what
  when where which who why will with would you your yours am im any about just really still get got also
  whats what's ive i've dont don't doesnt doesn't isnt isn't cant can't wont won't u ur pls plz please hey hi
  hello thanks thank ok okay even anymore now basically actually exactly ever much many like know want tell
  give help anyone someone something thing things lot lots very kind sort gonna wanna guys it's thats that's
  use used uses using being doing while up`.split(/\s+/),
);

/** Hits considered before abstaining: a lower-ranked entry may be the one that covers the subject. */
const CANDIDATES = 5;

/**
 * Closest entries offered with a decline. On the development sets the right entry was among the
 * first three for 72 of 101 declined questions and among the first five for 83.
 */
const SUGGESTIONS = 5;

/** Entries listed under an answer, of which the first are the next-best matches. */
export const RELATED_SHOWN = 3;
const NEXT_BEST_SHOWN = 2;

/**
 * Where one message asks two things: "... and when/how/...". (Splitting long messages into sentences
 * was measured too: it answered more, but more of those answers were wrong.)
 */
const PARTS =
  /,?\s+(?:and|also|plus)\s+(?=(?:when|what|how|where|which|why|is|are|do|does|can|should|will)\b)/i;

/** A part answered alone needs this many meaningful words ... */
const MIN_SENTENCE_TERMS = 2;
/** ... and this share of its weight in the entry's title and phrasings (stricter than a whole question). */
const SENTENCE_PHRASING = 0.85;

/**
 * Questions with more meaningful words than this match their words exactly: a long message has
 * words enough, and expanding its unknown ones by prefix and typo cost a sixth of its time (on the
 * development sets no answer or decline changed; the entries offered moved for three declines).
 */
const EXPAND_UP_TO_TERMS = 12;
const EXACT_WORDS_ONLY = { prefix: false, fuzzy: false } as const;

/** BM25's best this many are re-scored with the phrase bonus before the top ones are taken. */
const RERANKED = 12;

/** Folded tokens that name the USMLE itself (see the synonyms in knowledge/search.yaml). */
const USMLE_TERMS = new Set(["step1", "step2ck", "step3", "usml"]);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Matches any of the phrases as whole words of a lower-cased text; none when the list is empty. */
const anyOf = (phrases: readonly string[]): RegExp | undefined =>
  phrases.length > 0
    ? new RegExp(`(?<![a-z0-9])(?:${phrases.map(escapeRegExp).join("|")})(?![a-z0-9])`)
    : undefined;

/** Whole-word replacements, all in one pass: at each place the longest phrase wins ("step 2 ck" over "step 2"). */
class WordReplacer {
  private readonly pattern: RegExp | undefined;
  private readonly replacements: Map<string, string>;

  constructor(pairs: ReadonlyArray<readonly [string, string]>) {
    this.replacements = new Map(pairs);
    const variants = [...this.replacements.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = variants.length
      ? new RegExp(`(?<![A-Za-z0-9])(?:${variants.join("|")})(?![A-Za-z0-9])`, "g")
      : undefined;
  }

  apply(text: string): string {
    return this.pattern ? text.replace(this.pattern, (found) => ` ${this.replacements.get(found)} `) : text;
  }
}

/** FAQ search: BM25 with prefix and fuzzy matching (MiniSearch), synonyms folded to one token. */
export class FaqIndex {
  private readonly search: MiniSearch<{ id: string }>;
  private readonly byId: Map<string, Entry>;
  private readonly shorthand: WordReplacer;
  private readonly synonyms: WordReplacer;
  private readonly clinical: RegExp | undefined;
  private readonly notClinical: RegExp | undefined;
  private readonly otherExam: RegExp | undefined;
  private readonly topicTerms: Set<string>;
  private readonly distinctive: Set<string>;
  private readonly thresholds: SearchConfig["thresholds"];
  /** How many entries hold each word: rare words say more about what a question is about. */
  private readonly documentFrequency = new Map<string, number>();
  /** Adjacent word pairs of each entry's title and phrasings, for the phrase bonus. */
  private readonly pairs = new Map<string, Set<string>>();
  /** The words of each entry's title and phrasings. */
  private readonly phrasingTerms = new Map<string, Set<string>>();
  private readonly phraseBoost: number;

  constructor(entries: readonly Entry[], config: SearchConfig) {
    this.byId = new Map(entries.map((entry) => [entry.id, entry]));
    this.thresholds = config.thresholds;
    this.shorthand = new WordReplacer(Object.entries(config.shorthand));
    this.synonyms = new WordReplacer(
      Object.entries(config.synonyms).flatMap(([canonical, variants]) =>
        variants.map((variant) => [variant.toLowerCase(), canonical] as const),
      ),
    );
    this.topicTerms = new Set(config.topic_terms.flatMap((word) => this.termsOf(word)));
    this.distinctive = new Set(config.distinctive_terms.flatMap((word) => this.termsOf(word)));
    this.clinical = anyOf(config.clinical_terms);
    // Folded as questions are ("personal statement" is one token by then).
    this.notClinical = anyOf(config.not_clinical_when.map((words) => this.normalize(words).trim()));
    this.otherExam = anyOf(config.other_exam_terms);
    this.search = new MiniSearch({
      fields: ["title", "questions", "body"],
      tokenize: (text) => this.normalize(text).split(/[^a-z0-9']+/),
      processTerm: (term) => this.processTerm(term),
      searchOptions: {
        boost: config.ranking.boost,
        ...(config.ranking.bm25 ? { bm25: config.ranking.bm25 } : {}),
        // Prefix and typo matching only for words no entry holds as they are: expanding every word of
        // a long question costs milliseconds and adds near-miss matches the exact word already has.
        prefix: (term) => term.length >= 4 && !this.documentFrequency.has(term),
        fuzzy: (term) => (term.length >= 6 && !this.documentFrequency.has(term) ? 0.2 : false),
        combineWith: "OR",
      },
    });
    const documents = entries.map((entry) => ({
      id: entry.id,
      title: entry.title,
      questions: entry.questions.join("\n"),
      // Fact placeholders ({{usmle_format.step1.blocks}}) would index their ids as words.
      body: entry.body.replace(/\{\{[^}]*\}\}/g, " "),
    }));
    this.search.addAll(documents);
    this.phraseBoost = config.ranking.phrase_boost;
    for (const entry of entries) {
      this.pairs.set(
        entry.id,
        new Set([entry.title, ...entry.questions].flatMap((text) => this.pairsOf(text))),
      );
      this.phrasingTerms.set(entry.id, new Set(this.termsOf([entry.title, ...entry.questions].join("\n"))));
    }
    for (const doc of documents) {
      for (const term of new Set(this.termsOf(`${doc.title}\n${doc.questions}\n${doc.body}`))) {
        this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
      }
    }
  }

  /** Expands shorthand, lower-cases and folds the field's synonyms ("H-1B visa" -> " h1b  visa"). */
  normalize(text: string): string {
    const out = text.replace(/[\u2018\u2019]/g, "'");
    return this.synonyms.apply(this.shorthand.apply(out).toLowerCase());
  }

  private processTerm(term: string): string | null {
    const bare = term.replace(/^'+|'+$/g, "");
    // Single letters and digits carry no topic ("2 yrs ago"); the Steps are folded to tokens before this.
    if (bare.length < 2) return null;
    if (STOP_WORDS.has(bare)) return null;
    return /\d/.test(bare) ? bare : stemmer(bare);
  }

  /** The meaningful, normalized words of a question. */
  termsOf(question: string): string[] {
    const terms = this.normalize(question)
      .split(/[^a-z0-9']+/)
      .map((term) => this.processTerm(term))
      .filter((term): term is string => !!term);
    return [...new Set(terms)];
  }

  /** Adjacent meaningful words of a text, as "a b" pairs (stop words dropped first). */
  private pairsOf(text: string): string[] {
    const words = this.normalize(text)
      .split(/[^a-z0-9']+/)
      .map((term) => this.processTerm(term))
      .filter((term): term is string => !!term);
    return words.slice(1).map((word, i) => `${words[i]} ${word}`);
  }

  /** Ranked entries for a question, best first. */
  hits(question: string, limit = 5): FaqHit[] {
    return this.rank(question, this.termsOf(question), limit);
  }

  /** Inverse document frequency: a word in every entry weighs little, one in none the most. */
  private weight(term: string): number {
    const n = this.byId.size;
    const entries = this.documentFrequency.get(term);
    return entries === undefined
      ? this.thresholds.unseen_word_weight * Math.log((n + 1) / 0.5)
      : Math.log((n + 1) / (entries + 0.5));
  }

  private rank(question: string, terms: readonly string[], limit: number): FaqHit[] {
    if (terms.length === 0) return [];
    const weights = new Map(terms.map((term) => [term, this.weight(term)]));
    const totalWeight = terms.reduce((sum, term) => sum + (weights.get(term) ?? 0), 0);
    const pairs = [...new Set(this.pairsOf(question))];
    const phrased = (id: string) => {
      const own = this.pairs.get(id);
      return pairs.length === 0 || !own ? 0 : pairs.filter((pair) => own.has(pair)).length / pairs.length;
    };
    return (
      this.search
        .search(question, terms.length > EXPAND_UP_TO_TERMS ? EXACT_WORDS_ONLY : {})
        .slice(0, RERANKED)
        // Only what is read below: spreading MiniSearch's result and adding a field cost 8% of /ask.
        .map(({ id, queryTerms, score }) => {
          const pairShare = phrased(id as string);
          return {
            id: id as string,
            queryTerms,
            pairShare,
            score: score * (1 + this.phraseBoost * pairShare),
          };
        })
        .sort((a, b) => b.score - a.score)
        .slice(0, limit)
        .flatMap((result) => {
          const entry = this.byId.get(result.id);
          if (!entry) return [];
          const matched = new Set(result.queryTerms);
          const weightOf = (keep: (term: string) => boolean) =>
            terms.filter(keep).reduce((sum, t) => sum + (weights.get(t) ?? 0), 0);
          const matchedWeight = weightOf((t) => matched.has(t));
          const phrasing = this.phrasingTerms.get(entry.id);
          const phrasingWeight = weightOf((t) => phrasing?.has(t) ?? false);
          return [
            {
              entry,
              score: result.score,
              scorePerTerm: result.score / terms.length,
              coverage: matched.size / terms.length,
              weightedCoverage: totalWeight > 0 ? matchedWeight / totalWeight : 0,
              phrasingCoverage: totalWeight > 0 ? phrasingWeight / totalWeight : 0,
              pairShare: result.pairShare,
              matched,
            },
          ];
        })
    );
  }

  /** Whether the question names an exam other than the USMLE (PLAB, MCAT, COMLEX...). */
  mentionsOtherExam(question: string): boolean {
    return this.otherExam?.test(this.normalize(question)) ?? false;
  }

  isClinical(question: string): boolean {
    const text = this.normalize(question);
    return (this.clinical?.test(text) ?? false) && !(this.notClinical?.test(text) ?? false);
  }

  /**
   * Answers from the best entry that covers what the question is about, or abstains when the
   * question is clinical, mentions none of the field's words, or no entry covers it well enough.
   */
  ask(question: string): FaqAnswer {
    if (this.isClinical(question)) return { kind: "abstain", reason: "clinical", suggestions: [] };
    const terms = this.termsOf(question);
    if (!terms.some((term) => this.topicTerms.has(term)) || this.isOnlyOtherExam(question, terms)) {
      return { kind: "abstain", reason: "off_topic", suggestions: [] };
    }
    const hits = this.rank(question, terms, CANDIDATES);
    const distinctive = terms.filter((term) => this.distinctive.has(term));
    // Only the best-ranked entry may answer: reaching down the list for one that passes the checks
    // answered more questions, and more of them wrongly.
    const top = hits[0] && this.covers(hits[0], terms) ? hits[0] : undefined;
    const rivals = top ? this.rivalsOf(top, hits, terms) : [];
    if (top && rivals.length > 0) {
      const tied = [top, ...rivals];
      return {
        kind: "abstain",
        reason: "ambiguous",
        suggestions: [...tied, ...hits.filter((hit) => !tied.includes(hit))]
          .slice(0, SUGGESTIONS)
          .map((hit) => hit.entry),
      };
    }
    const parts = top ? [] : this.answeredParts(question);
    const best = top ?? parts[0];
    if (!best) {
      return {
        kind: "abstain",
        reason: "unsure",
        suggestions: hits.slice(0, SUGGESTIONS).map((hit) => hit.entry),
      };
    }
    // A second question in the same message: the entry for its other part, or the one that covers
    // what the main answer left out, comes first among the related entries.
    const leftOut = distinctive.filter((term) => !best.matched.has(term));
    const second =
      parts[1] ?? hits.find((hit) => hit !== best && leftOut.some((term) => hit.matched.has(term)));
    // The next-best matches come before the curated links: when the answer is the wrong one, the
    // right entry is usually among them (on the development sets, for 18 of 22 wrong answers it
    // was among the next three; the curated links held it for 6).
    const nextBest = hits.filter((hit) => hit !== best).slice(0, NEXT_BEST_SHOWN);
    const curated = best.entry.related.flatMap((id) => this.byId.get(id) ?? []);
    const related = [
      ...(second ? [second.entry] : []),
      ...nextBest.map((hit) => hit.entry),
      ...curated,
      ...hits.map((hit) => hit.entry),
    ].filter(
      (entry, index, all) => entry.id !== best.entry.id && all.findIndex((e) => e.id === entry.id) === index,
    );
    return { kind: "answer", hit: best, related: related.slice(0, RELATED_SHOWN) };
  }

  /**
   * A long message often holds its question in one sentence among background ("I graduated in 2019
   * ... Do programs want ECFMG certification when I apply?"), and one message may ask two things
   * ("how many times can I take CK and when is the score released?"). Each sentence or joined
   * question is matched on its own; those an entry covers with confidence come back, best first.
   */
  private answeredParts(question: string): FaqHit[] {
    const parts = question.split(PARTS).filter((part) => part.trim().length > 0);
    if (parts.length < 2) return [];
    const answered: FaqHit[] = [];
    for (const part of parts) {
      const terms = this.termsOf(part);
      if (terms.length < MIN_SENTENCE_TERMS) continue;
      const [top] = this.rank(part, terms, CANDIDATES);
      if (top && this.covers(top, terms) && !answered.some((a) => a.entry.id === top.entry.id)) {
        answered.push(top);
      }
    }
    answered.sort((a, b) => b.phrasingCoverage - a.phrasingCoverage);
    // The main answer must be surer than a whole question's; the others only lead the related entries.
    return answered[0] && answered[0].phrasingCoverage >= SENTENCE_PHRASING ? answered : [];
  }

  /** Whether an entry is sure enough and matches the question's main subject. */
  private covers(hit: FaqHit, terms: readonly string[]): boolean {
    const distinctive = terms.filter((term) => this.distinctive.has(term));
    const { min_score_per_term, min_coverage, min_weighted_coverage, min_phrasing_coverage } =
      this.thresholds;
    if (hit.scorePerTerm < min_score_per_term || hit.coverage < min_coverage) return false;
    if (hit.weightedCoverage < min_weighted_coverage || hit.phrasingCoverage < min_phrasing_coverage)
      return false;
    // Asked about two subjects, the main answer must cover at least one of them.
    return distinctive.length === 0 || distinctive.some((term) => hit.matched.has(term));
  }

  /**
   * Other entries that also cover the question, score nearly as well, and are at least as much
   * about it: more of its weight in their title and phrasings, or as much and as many of its word
   * pairs. The question fits them as well as the best-ranked one ("how do I get ECFMG certified?"
   * fits the entry on what certification requires and the one on when it is needed), so picking one
   * would be a guess.
   */
  private rivalsOf(best: FaqHit, hits: readonly FaqHit[], terms: readonly string[]): FaqHit[] {
    const floor = this.thresholds.rival_ratio * best.score;
    const asMuchAbout = (hit: FaqHit) =>
      hit.phrasingCoverage > best.phrasingCoverage ||
      (hit.phrasingCoverage >= best.phrasingCoverage && hit.pairShare >= best.pairShare);
    return hits.filter(
      (hit) => hit !== best && hit.score >= floor && asMuchAbout(hit) && this.covers(hit, terms),
    );
  }

  /** A question about another exam (PLAB, MCAT...) that names no USMLE exam. */
  private isOnlyOtherExam(question: string, terms: readonly string[]): boolean {
    return this.mentionsOtherExam(question) && !terms.some((term) => USMLE_TERMS.has(term));
  }

  /** Titles and phrasings for autocomplete, best matches first (prefix search on the partial text). */
  suggest(partial: string, limit = 25): Entry[] {
    if (partial.trim() === "") return [...this.byId.values()].slice(0, limit);
    return this.hits(partial, limit).map((hit) => hit.entry);
  }
}
