import {
  type APIEmbed,
  type APIMessage,
  GatewayDispatchEvents,
  InteractionResponseType,
  MessageFlags,
} from "discord.js";
import { createDiscordAdapter } from "../../src/adapters/discord/index.ts";
import { renderReply } from "../../src/adapters/discord/render.ts";
import type { Core, Response } from "../../src/core/handle.ts";
import type { Adapter } from "../../src/core/ports.ts";
import { slashFromLine } from "../fakes/discord/commandLine.ts";
import { commandInteraction } from "../fakes/discord/payloads.ts";
import { FakeDiscord, type RecordedRequest } from "../fakes/discord/server.ts";
import type { UploadedFile } from "../fakes/multipart.ts";
import { type LogLine, waitUntil } from "../helpers.ts";
import { contractCommands, type Driver, handled, type Seen, type Shown } from "./driver.ts";

/** A message as the bot sent it: what it shows and, for pressing its buttons, its embeds and components. */
interface RawMessage {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIMessage["components"];
}

interface Sent {
  shown: Shown;
  ephemeral: boolean;
  raw: RawMessage;
}

/** The buttons under a message: their labels and custom ids. */
const buttonsOf = (message: RawMessage) =>
  (message.components ?? []).flatMap((row) =>
    "components" in row
      ? row.components.flatMap((c) =>
          "label" in c && "custom_id" in c ? [{ label: c.label ?? "", id: c.custom_id }] : [],
        )
      : [],
  );

/** What a person gets in a message: content and embeds, Markdown and escapes taken off again, and its files. */
function shownOf(message: RawMessage, uploads: readonly UploadedFile[]): Shown {
  const raw = [
    message.content ?? "",
    ...(message.embeds ?? []).flatMap((e) => [e.title ?? "", e.description ?? "", e.footer?.text ?? ""]),
  ].join("\n");
  const links = [...raw.matchAll(/\]\((https?:[^)\s]+)\)/g)].map((m) => m[1] ?? "");
  const text = raw
    .replace(/\[((?:\\.|[^\]\\])*)\]\(https?:[^)\s]+\)/g, "$1")
    .replaceAll("**", "")
    .replace(/^-# /gm, "")
    .replaceAll("\u200b", "")
    .replace(/\\(.)/g, "$1");
  return {
    text,
    links,
    files: uploads.map((file) => ({ name: file.filename, data: file.data })),
    choices: buttonsOf(message).map((button) => button.label),
  };
}

/** The messages that answered one interaction, in order, and whether each was ephemeral. */
function answersIn(requests: readonly RecordedRequest[]): Sent[] {
  const sent: Sent[] = [];
  let deferredEphemeral = false;
  for (const request of requests) {
    if (request.path.endsWith("/callback")) {
      const { type, data } = request.body;
      const ephemeral = ((data?.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
      if (type === InteractionResponseType.DeferredChannelMessageWithSource) deferredEphemeral = ephemeral;
      else sent.push({ shown: shownOf(data, request.files), ephemeral, raw: data });
    } else if (request.method === "PATCH") {
      sent.push({
        shown: shownOf(request.body, request.files),
        ephemeral: deferredEphemeral,
        raw: request.body,
      });
    } else if (request.method === "POST") {
      sent.push({
        shown: shownOf(request.body, request.files),
        ephemeral: ((request.body.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
        raw: request.body,
      });
    }
  }
  return sent;
}

/** The discord.js adapter against the fake Discord: a member with Manage Server, in a server channel or a DM. */
export function discordDriver(): Driver {
  let fake: FakeDiscord | undefined;
  let adapter: Adapter | undefined;
  let logs: readonly LogLine[] = [];
  /** The messages of the last answer, whose buttons `press` taps. */
  let last: readonly Sent[] = [];
  const world = () => {
    if (!fake) throw new Error("the Discord driver is not started");
    return fake;
  };
  const seenIn = (where: "private" | "group", sent: readonly Sent[]): Seen => ({
    // In a DM only the person is there: everything is personal.
    visible: where === "group" ? sent.filter((s) => !s.ephemeral).map((s) => s.shown) : [],
    personal: sent.filter((s) => where === "private" || s.ephemeral).map((s) => s.shown),
  });

  const placeOf = (where: "private" | "group") => (where === "group" ? {} : { in: "dm" as const });
  /** Every message that answers the interaction these requests belong to, once all have come. */
  async function answersTo(requests: readonly RecordedRequest[], expected: Response): Promise<Sent[]> {
    const discord = world();
    const token = requests[0]?.path.split("/")[3] ?? "";
    const count = expected.kind === "reply" ? renderReply(expected.reply).length : 0;
    last = await waitUntil(() => {
      const answers = answersIn(discord.requestsFor(token));
      return answers.length >= count && answers;
    });
    return [...last];
  }

  return {
    name: "discord",
    groups: true,
    ephemeral: true,
    canAsk: false,

    async start(core: Core, coreLogs: readonly LogLine[]) {
      logs = coreLogs;
      fake = await FakeDiscord.start();
      // Answers come well within Discord's 3 s: no deferral here (behaviour tests cover it).
      adapter = createDiscordAdapter({ token: fake.token, apiUrl: fake.apiUrl, core, deferAfterMs: 2500 });
      await adapter.start();
    },

    caller(where) {
      const { world: w } = world();
      return {
        userId: `discord:${w.member.id}`,
        address: `discord:${where === "group" ? w.channelId : w.dmChannelId}`,
        chatKind: where,
        canManage: async () => true,
      };
    },

    async send(line, where, expected) {
      const { name, options } = slashFromLine(line, contractCommands);
      const { id, requests } = await world().runCommand(name, options, placeOf(where));
      return { seen: seenIn(where, await answersTo(requests, expected)), requestId: id };
    },

    async press(label, where, expected) {
      const under = last.findLast((sent) => buttonsOf(sent.raw).some((b) => b.label === label));
      const button = under && buttonsOf(under.raw).find((b) => b.label === label);
      if (!under || !button) throw new Error(`no button "${label}" under the last answer`);
      const { requests } = await world().pressButton(button.id, under.raw, placeOf(where));
      return seenIn(where, await answersTo(requests, expected));
    },

    async flood(line, times) {
      const discord = world();
      const { name, options } = slashFromLine(line, contractCommands);
      const payloads = Array.from({ length: times }, () =>
        commandInteraction(discord.world, name, options, { in: "dm" }),
      );
      for (const payload of payloads) discord.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
      await handled(
        logs,
        payloads.map((p) => p.id),
      );
      await adapter?.stop();
      return seenIn(
        "private",
        payloads.flatMap((p) => answersIn(discord.requestsFor(p.token))),
      );
    },

    async stop() {
      await adapter?.stop();
      await fake?.stop();
    },
  };
}
