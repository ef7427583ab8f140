import type { Transformer } from "grammy";
import { type Bucket, createBudget, inMemory, type LimiterFactory } from "../../limits/limiters.ts";

export type { Bucket };

export interface ThrottleLimits {
  /** Every message the bot sends, in all chats together. */
  global: Bucket;
  /** Messages to one group (negative chat ids). */
  group: Bucket;
  /**
   * Replies to one person in one group: their share of the group's messages, so that one person's
   * flood leaves room for everyone else's answers. Stepwise's own rule, not Telegram's.
   */
  share: Bucket;
}

/**
 * Telegram's limits for bots (core.telegram.org/bots/faq, "My bot is hitting limits"): about 30
 * messages a second overall and 20 a minute in one group; beyond them it answers 429. A quarter
 * of a group's minute goes to any one person.
 */
export const TELEGRAM_LIMITS: ThrottleLimits = {
  global: { points: 30, seconds: 1 },
  group: { points: 20, seconds: 60 },
  share: { points: 5, seconds: 60 },
};

/** The calls those limits count: ones that post or change a message in a chat. */
const COUNTED = /^(send|edit|copy|forward)/;

/** A reply to a group that was not sent: the group's messages for this minute, or the asker's share, are spent. */
export class BudgetSpent extends Error {
  constructor(readonly chatId: string) {
    super(`reply to group ${chatId} dropped: its send budget is spent for now`);
    this.name = "BudgetSpent";
  }
}

export interface SendBudget {
  /**
   * For scheduled sends (nudges): each waits for its turn in both buckets, first come, first
   * served, until its own signal aborts. A nudge a minute late is fine.
   */
  scheduled: Transformer;
  /**
   * For the replies to one update from `sender`: a turn in the global bucket (waiting ends when
   * `closing` aborts), but never a wait in a group's. In a group, a reply beyond the group's budget
   * or the sender's share is dropped (BudgetSpent), and the first one dropped is replaced by a
   * note saying when the bot answers there again: a reply minutes late would only confuse.
   */
  replies(sender: number | undefined, closing: AbortSignal): Transformer;
}

type GroupTurn = { kind: "send" } | { kind: "note"; text: string } | { kind: "drop" };

const SEND: GroupTurn = { kind: "send" };
const DROP: GroupTurn = { kind: "drop" };
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * The same rate in windows a tenth as long (3 a tenth of a second for 30 a second): a budget shared
 * by several processes, none of which may spend a whole second's worth at once.
 */
function tenths({ points, seconds }: Bucket): Bucket {
  const slice = Math.max(1, Math.round(points / 10));
  return { points: slice, seconds: (seconds * slice) / points };
}

/**
 * The buckets behind every Telegram API call that sends, shared by both kinds of send. `make`
 * keeps them: in memory, or in the database, shared by every process that sends with the token.
 */
export function sendBudget(
  limits: ThrottleLimits = TELEGRAM_LIMITS,
  make: LimiterFactory = inMemory,
): SendBudget {
  // Overall, spaced evenly in this process: bursts of 30 at each window's start could land within one second.
  const local = createBudget("telegram-local", {
    points: 1,
    seconds: limits.global.seconds / limits.global.points,
  });
  // And the bot's one budget across processes (the same again when this process is the only one).
  const global = createBudget("telegram-global", tenths(limits.global), make);
  // In a group, a burst (a reply and its follow-up question) should not keep people waiting.
  const groups = createBudget("telegram-group", limits.group, make);
  const shares = createBudget("telegram-share", limits.share, make);
  // The shared budget first, the even spacing last: a queue released at a window's start lets
  // several go at once, so the spacing must be the last wait before the send.
  const anyTurn = async (abort: AbortSignal | undefined) => {
    await global.wait("all", abort);
    await local.wait("all", abort);
  };

  const groupNote = (ms: number) =>
    `This group has had as many messages from me as Telegram allows in ${limits.group.seconds} s, so I am not answering here for the next ${seconds(ms)} s. In a private chat with me there is no wait.`;
  const shareNote = (ms: number) =>
    `That is as many answers as I give one person in a group in ${limits.share.seconds} s: I'll answer you here again in ${seconds(ms)} s, or at once in a private chat with me.`;

  /** The group's next turn: send while the budget lasts, its last turn (or a share's end) carries the note. */
  async function groupTurn(chatId: string, sender: number | undefined): Promise<GroupTurn> {
    const share = sender === undefined ? undefined : await shares.spend(`${chatId}:${sender}`);
    if (share && share.left < -1) return DROP;
    const group = await groups.spend(chatId);
    if (group.left < 0) return DROP;
    if (group.left === 0) return { kind: "note", text: groupNote(group.retryAfterMs) };
    if (share?.left === -1) return { kind: "note", text: shareNote(share.retryAfterMs) };
    return SEND;
  }

  return {
    scheduled: async (prev, method, payload, signal) => {
      const chatId = (payload as { chat_id?: unknown }).chat_id;
      if (!COUNTED.test(method) || chatId === undefined) return prev(method, payload, signal);
      // grammY types its signal with the abort-controller package; Node's own is the same at run time.
      const abort = signal as AbortSignal | undefined;
      // The group's own bucket first, so a busy group does not hold global turns while it waits.
      if (Number(chatId) < 0) await groups.wait(String(chatId), abort);
      await anyTurn(abort);
      return prev(method, payload, signal);
    },

    replies: (sender, closing) => async (prev, method, payload, signal) => {
      const chatId = (payload as { chat_id?: number | string }).chat_id;
      if (!COUNTED.test(method) || chatId === undefined) return prev(method, payload, signal);
      const abort = signal ? AbortSignal.any([signal as AbortSignal, closing]) : closing;
      const turn = Number(chatId) < 0 ? await groupTurn(String(chatId), sender) : SEND;
      if (turn.kind === "drop") throw new BudgetSpent(String(chatId));
      await anyTurn(abort);
      if (turn.kind === "send") return prev(method, payload, abort as typeof signal);
      // The note answers the message the dropped reply was for, so the asker sees it is theirs.
      const { reply_parameters } = payload as { reply_parameters?: unknown };
      await prev(
        "sendMessage",
        { chat_id: chatId, text: turn.text, ...(reply_parameters ? { reply_parameters } : {}) },
        abort as typeof signal,
      );
      throw new BudgetSpent(String(chatId));
    },
  };
}
