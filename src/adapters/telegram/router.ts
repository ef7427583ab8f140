import { sequentialize } from "@grammyjs/runner";
import { Composer, type Context, InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import { markReachable, markUnreachable } from "../../core/chats.ts";
import type { Services } from "../../core/command.ts";
import { findCommand } from "../../core/dispatch.ts";
import type { Input, Response } from "../../core/handle.ts";
import { CHOICE_PREFIX, paragraph, type Reply, reply } from "../../core/reply.ts";
import { parseTextCommand } from "../../core/textCommand.ts";
import { chatAddress, ownerOf } from "./address.ts";
import { admission, hear } from "./admission.ts";
import { describeApiError } from "./delivery.ts";
import { applyAnswer, type Flow, GuidedInputs, inputOf, nextQuestion, type Question } from "./guided.ts";
import { deliverPrivately, privateOnly } from "./privacy.ts";
import { renderHtml } from "./render.ts";
import { eventOf, type Request, type RouterDeps, replyOptions, requestOf, trySend } from "./request.ts";

/**
 * Routes text messages to the core, button presses to guided input, and tracks membership. Each
 * message is counted as it arrives, then waits in its sender's own queue: one person's messages
 * are answered in order, and never behind another person's.
 */
export function updateRouter(deps: RouterDeps): Composer<Context> {
  const flows = new GuidedInputs(deps.core.services.clock);
  const router = new Composer<Context>();
  router.on("my_chat_member", (ctx) => onMembership(ctx, deps.core.services));
  router.use(admission(deps, flows, act));
  router.use(sequentialize((ctx) => (ctx.from ?? ctx.chat)?.id.toString()));
  // Once the bot is stopping, what is still queued is dropped; what is running finishes.
  router.use((_ctx, next) => (deps.stopping() ? undefined : next()));
  router.on("message:text", async (ctx) => {
    const request = requestOf(ctx, deps, flows);
    if (request) await onText(request, ctx.message);
  });
  router.on("callback_query:data", async (ctx) => {
    const request = requestOf(ctx, deps, flows);
    if (request) await onButton(request, ctx.callbackQuery.data);
    else await ctx.answerCallbackQuery();
  });
  return router;
}

async function onMembership(ctx: Context, services: Services): Promise<void> {
  const update = ctx.myChatMember;
  if (!update) return;
  const address = chatAddress(update.chat.id);
  const { status } = update.new_chat_member;
  if (status === "kicked" || status === "left") {
    const reason =
      update.chat.type === "private" ? "the user blocked the bot" : "the bot was removed from this chat";
    await markUnreachable(services, address, reason, ownerOf(update.chat.id));
  } else {
    await markReachable(services, address);
  }
}

async function onText(request: Request, message: Message.TextMessage): Promise<void> {
  const { deps, flows } = request;
  // Hearing from a chat means the bot can post there again.
  await markReachable(deps.core.services, request.caller.address);
  const heard = hear(request, message);
  if (heard.kind === "elsewhere") return;
  if (heard.kind === "start") return onStart(request, heard.payload);
  if (heard.kind === "cancel") return onCancel(request, heard.flow);
  if (heard.kind === "answer") return onTyped(request, heard.flow, message.text);
  const flow = flows.current(request.chatId, request.userId);
  const response = await deps.core.handle(
    eventOf(request, { kind: "text", text: message.text }, heard.addressed),
  );
  // A new command replaces an open question; another bot's command leaves it open.
  if (flow && response.kind !== "ignored") flows.end(flow);
  await act(request, response);
}

/** Delivers what the core decided, the Telegram way. */
async function act(request: Request, response: Response): Promise<void> {
  switch (response.kind) {
    case "ignored":
    case "silent":
      return;
    case "ask":
      return ask(request, request.flows.begin(request.chatId, request.userId, response.target, response.raw));
    case "reply":
      if (response.refusal === "private_only") return privateOnly(request, response.command, response.reply);
      if (response.to === "sender" && request.group) {
        return deliverPrivately(request, response.reply, response.command);
      }
      await trySend(request, request.chatId, response.reply, replyOptions(request));
  }
}

/** Sends a command through the core, as one addressed to the bot. */
async function submit(request: Request, input: Input): Promise<void> {
  await act(request, await request.deps.core.handle(eventOf(request, input, true)));
}

// --- /start and /cancel ------------------------------------------------------------------------

const START_PAYLOAD = /^[a-z0-9_]+(-[a-z0-9_]+)?$/;

async function onStart(request: Request, payload: string): Promise<void> {
  // `/start score-add` arrives from a "continue in private chat" link: run that command here.
  if (!request.group && START_PAYLOAD.test(payload)) {
    const line = `/${payload.replace("-", " ")}`;
    const parsed = parseTextCommand(line);
    if (parsed && findCommand(request.deps.core.commands, parsed.name)) {
      return submit(request, { kind: "text", text: line });
    }
  }
  await trySend(request, request.chatId, welcome(), replyOptions(request));
}

function welcome(): Reply {
  return reply({
    title: "Welcome to Stepwise",
    blocks: [
      paragraph(
        "I help international medical graduates plan the USMLE and a US residency, with a focus on internal medicine-psychiatry (med-psych).",
      ),
      paragraph("Ask me anything in your own words, or send /help to see the commands."),
      paragraph("I am not official USMLE or NRMP information, and never medical advice: /about says more."),
    ],
  });
}

async function onCancel(request: Request, flow: Flow | undefined): Promise<void> {
  if (!flow) {
    await trySend(request, request.chatId, reply({ blocks: [paragraph("There is nothing to cancel.")] }));
    return;
  }
  request.flows.end(flow);
  await closePrompt(request, flow, nextQuestion(flow), "Cancelled: nothing was changed.");
  await trySend(
    request,
    request.chatId,
    reply({ blocks: [paragraph("Cancelled: nothing was changed.")] }),
    replyOptions(request),
  );
}

// --- Guided input --------------------------------------------------------------------------------

const BUTTON_DATA = /^g:([a-z0-9]+):(\d+):(x|\d+)$/;
const CHOICES_PER_ROW = 3;
const STALE = "This question isn't yours, or it is no longer open. Send the command to start again.";

/** Sends the flow's next question, with a button per choice and a Cancel button. */
async function ask(request: Request, flow: Flow, problem?: string): Promise<void> {
  const question = nextQuestion(flow);
  if (!question) return proceed(request, flow);
  flow.asked += 1;
  request.flows.touch(flow);
  const keyboard = new InlineKeyboard();
  question.choices?.forEach((choice, i) => {
    if (i > 0 && i % CHOICES_PER_ROW === 0) keyboard.row();
    keyboard.text(buttonLabel(choice), `g:${flow.id}:${flow.asked}:${i}`);
  });
  keyboard.row().text("Cancel", `g:${flow.id}:${flow.asked}:x`);
  const content = questionReply(question, instructionFor(question, request.group), problem);
  const sent = await trySend(request, request.chatId, content, { ...replyOptions(request), keyboard });
  if (sent) flow.promptMessageId = sent.at(-1)?.message_id;
  else request.flows.end(flow);
}

function instructionFor(question: Question, group: boolean): string {
  if (question.choices) return "Tap one of the buttons.";
  // In privacy mode a group only shows the bot replies to its own messages.
  return group
    ? `${question.expects} Reply to this message so I can see your answer.`
    : `${question.expects}`;
}

function questionReply(question: Question, last: string, problem?: string): Reply {
  const blocks = [paragraph(question.prompt), paragraph(last)];
  if (problem) blocks.unshift(paragraph(problem));
  return reply({ title: question.title, blocks });
}

const buttonLabel = (choice: string) => choice.replaceAll("_", " ");

async function onButton(request: Request, data: string): Promise<void> {
  const { ctx, flows } = request;
  if (data.startsWith(CHOICE_PREFIX)) {
    // A choice under an answer: its line runs as if typed (already counted), and like a typed
    // command it replaces a question left open.
    await ctx.answerCallbackQuery();
    const open = flows.current(request.chatId, request.userId);
    if (open) flows.end(open);
    return submit(request, { kind: "text", text: data.slice(CHOICE_PREFIX.length) });
  }
  const match = BUTTON_DATA.exec(data);
  const flow = flows.current(request.chatId, request.userId);
  const question = flow && nextQuestion(flow);
  if (!match || !flow || !question || flow.id !== match[1] || flow.asked !== Number(match[2])) {
    await ctx.answerCallbackQuery({ text: STALE, show_alert: true });
    return;
  }
  if (match[3] === "x") {
    flows.end(flow);
    await ctx.answerCallbackQuery({ text: "Cancelled" });
    await closePrompt(request, flow, question, "Cancelled: nothing was changed.");
    return;
  }
  const choice = question.choices?.[Number(match[3])];
  const result = choice === undefined ? undefined : applyAnswer(flow, choice);
  if (!result?.ok) {
    await ctx.answerCallbackQuery({ text: result?.message ?? STALE, show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery();
  await closePrompt(request, flow, question, `✓ ${buttonLabel(result.value)}`);
  await proceed(request, flow);
}

/**
 * After each accepted answer the flow goes back through the core, which checks the preconditions
 * again (a chosen subcommand may be personal) and runs the command or asks the next question.
 */
async function proceed(request: Request, flow: Flow): Promise<void> {
  request.flows.end(flow);
  await submit(request, inputOf(flow));
}

async function onTyped(request: Request, flow: Flow, text: string): Promise<void> {
  const question = nextQuestion(flow);
  if (!question) return proceed(request, flow);
  const result = applyAnswer(flow, text);
  if (!result.ok) {
    // The old question closes and a fresh one opens, so only one set of buttons is ever live.
    await closePrompt(request, flow, question, "✗ Not accepted, see below.");
    return ask(request, flow, `That answer doesn't fit: ${result.message}`);
  }
  await closePrompt(request, flow, question, `✓ ${result.value}`);
  await proceed(request, flow);
}

/** Replaces a question's buttons with what became of it. Cosmetic: a failure is only logged. */
async function closePrompt(request: Request, flow: Flow, question: Question | undefined, outcome: string) {
  if (flow.promptMessageId === undefined || !question) return;
  const [html] = renderHtml(questionReply(question, outcome));
  if (!html) return;
  try {
    await request.ctx.api.editMessageText(request.chatId, flow.promptMessageId, html, { parse_mode: "HTML" });
  } catch (error) {
    request.deps.core.services.logger.warn(
      { updateId: request.ctx.update.update_id, err: describeApiError(error) },
      "could not close a guided question",
    );
  }
}
