import type {
  ChatRecord,
  LogShare,
  PracticeScore,
  Profile,
  StudySession,
  Subscription,
  UserRecord,
} from "./records.ts";

/**
 * The storage ports: one small async repository per aggregate, the personal-data port behind
 * /mydata and /forget, and the claim queue of due nudges. Every backend in src/store/ (memory,
 * file, postgres) implements all of them and passes the same contract suite
 * (test/contract/repositories.test.ts). Every method resolves only once what it changed is
 * durable, so a reply sent after it is never lost. Adding an aggregate is one interface here, one
 * implementation per backend and its contract tests.
 */

/** Profile fields to save; the exam dates given are merged with those already saved. */
export type ProfileChanges = Partial<Omit<Profile, "exam_dates">> & { exam_dates?: Profile["exam_dates"] };

/** The profile after `changes`: given fields replace, exam dates merge date by date. Pure. */
export function mergeProfile(profile: Profile, changes: ProfileChanges): Profile {
  const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  return { ...profile, ...given, exam_dates: { ...profile.exam_dates, ...changes.exam_dates } };
}

/** Users and their profiles. */
export interface ProfileRepository {
  /** The saved profile, or an empty one. */
  get(userId: string): Promise<Profile>;
  /** Saves `changes` (creating the user's record on first use) and returns the whole profile. */
  update(userId: string, changes: ProfileChanges, now: Date): Promise<Profile>;
}

/** A practice score as logged: the repository gives it its id. */
export type NewPracticeScore = Omit<PracticeScore, "id">;

export interface PracticeScoreRepository {
  /** Saves the score under the user's next id (ids count up per user and are never reused). */
  add(userId: string, score: NewPracticeScore, now: Date): Promise<PracticeScore>;
  /** The user's scores in the order they were added. */
  list(userId: string): Promise<PracticeScore[]>;
  /** Deletes one score, erased from storage before this resolves; undefined when there is no such id. */
  remove(userId: string, id: string, now: Date): Promise<PracticeScore | undefined>;
}

/** A study session as logged: the repository gives it its id. */
export type NewStudySession = Omit<StudySession, "id">;

/** The study log (/log): each person's sessions, ids counting up per person like score ids. */
export interface StudyLogRepository {
  add(userId: string, session: NewStudySession, now: Date): Promise<StudySession>;
  /** The person's sessions in the order they were logged. */
  list(userId: string): Promise<StudySession[]>;
  /** Deletes one session, erased from storage before this resolves; undefined when there is no such id. */
  remove(userId: string, id: string, now: Date): Promise<StudySession | undefined>;
}

/** One member who agreed to be counted in a group's weekly summary. */
export interface SharingMember {
  userId: string;
  share: LogShare;
}

/** Who agreed to be counted in which group's weekly summary: per person, per chat (/log share). */
export interface LogSharingRepository {
  /** Records the person's consent in the chat (replacing an earlier one there). */
  share(userId: string, address: string, share: LogShare, now: Date): Promise<void>;
  /** Withdraws it, erased from storage before this resolves; true when there was one. */
  unshare(userId: string, address: string, now: Date): Promise<boolean>;
  /** Everyone who agreed in the chat, ordered by user id. */
  members(address: string): Promise<SharingMember[]>;
}

/** Daily nudge subscriptions, one per chat, keyed by the chat's address. */
export interface SubscriptionRepository {
  get(address: string): Promise<Subscription | undefined>;
  /**
   * Sets the chat's subscription to `make(previous)`, atomically: a claim of its nudge under way
   * finishes first, so `previous` shows the day it marked sent. `make` must be pure.
   */
  put(address: string, make: (previous: Subscription | undefined) => Subscription): Promise<Subscription>;
  /** Removes it; one in a private chat (personal data) is erased from storage. True when there was one. */
  remove(address: string): Promise<boolean>;
}

/** Chats the bot cannot post to: the one record of it, whoever found out (README, "Failures and pauses"). */
export interface ChatRepository {
  get(address: string): Promise<ChatRecord | undefined>;
  markUnreachable(address: string, record: ChatRecord): Promise<void>;
  /** Lifts the record; true when there was one. Adapters call it on every message: without one it writes nothing. */
  markReachable(address: string): Promise<boolean>;
}

/** Everything stored about one person: what /mydata shows. */
export interface PersonalData {
  user_id: string;
  record: UserRecord | null;
  /** Nudges in the person's private chats (group nudges belong to the group). */
  nudges: Record<string, Subscription>;
  /** The person's private chats the bot cannot reach, and why. */
  chats: Record<string, ChatRecord>;
}

export interface PersonalDataRepository {
  export(userId: string): Promise<PersonalData>;
  /**
   * Deletes everything about the person, in every aggregate, and resolves only once it is gone
   * from storage as README's "/forget means gone" defines it per backend. True when there was any.
   */
  erase(userId: string): Promise<boolean>;
}

/**
 * What the nudge logic decides for a due subscription while it is claimed: the subscription to
 * save, and the slot to send now (`slot`: the subscription as it stood for that day), if any.
 */
export interface Settled {
  next: Subscription;
  send?: { day: string; slot: Subscription };
}

export type Settle = (address: string, due: Subscription) => Settled;

/** A nudge claimed by one process: its day is already saved as sent. */
export interface ClaimedNudge {
  address: string;
  day: string;
  /** The subscription as it stood for that day: what the nudge is composed from. */
  slot: Subscription;
}

/** The record of a chat whose claimed nudge can never be delivered: owned like its subscription. */
export const pausedChat = ({ slot }: ClaimedNudge, reason: string, now: Date): ChatRecord => ({
  unreachable: { reason, since: now.toISOString() },
  ...(slot.owner === undefined ? {} : { owner: slot.owner }),
});

/** Due nudges, each handed to exactly one caller, across processes sharing a backend. */
export interface NudgeQueue {
  /**
   * Claims up to `limit` subscriptions due by `now` (not ended, in a reachable chat), earliest
   * first, none claimed by another caller at the same time. Each is passed to `settle` while
   * claimed, and what it returns is saved before this resolves: a day to send is marked sent
   * before its nudge goes out, so a crash can lose that nudge but never send it twice.
   * `examined` counts the subscriptions settled (sent or skipped).
   */
  claimDue(now: Date, limit: number, settle: Settle): Promise<{ claimed: ClaimedNudge[]; examined: number }>;
  /** The claimed nudge was delivered: recorded as the subscription's `delivered_day`. */
  complete(claim: ClaimedNudge): Promise<void>;
  /**
   * The claimed nudge can never be delivered (the bot was removed, the chat is gone): the chat is
   * recorded unreachable, owned like its subscription, which pauses it until the chat can be
   * reached again (ChatRepository.markReachable, or /nudge start): that is how it resumes.
   */
  pause(claim: ClaimedNudge, reason: string, now: Date): Promise<void>;
  /** The earliest due time of a subscription still running, if any. */
  nextDueAt(): Promise<Date | undefined>;
}

/** All the ports a backend provides; commands reach them through `Services.store`. */
export interface Repositories {
  profiles: ProfileRepository;
  scores: PracticeScoreRepository;
  studyLog: StudyLogRepository;
  sharing: LogSharingRepository;
  subscriptions: SubscriptionRepository;
  chats: ChatRepository;
  personalData: PersonalDataRepository;
  nudgeQueue: NudgeQueue;
}

/** An open backend: its repositories, and closing it (flush, release locks and connections). */
export interface Backend {
  readonly repositories: Repositories;
  close(): Promise<void>;
}
