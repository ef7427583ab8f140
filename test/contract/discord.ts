import { type APIEmbed, GatewayDispatchEvents, InteractionResponseType, MessageFlags } from "discord.js";
import { createDiscordAdapter } from "../../src/adapters/discord/index.ts";
import { renderReply } from "../../src/adapters/discord/render.ts";
import type { Core } from "../../src/core/handle.ts";
import type { Adapter } from "../../src/core/ports.ts";
import { slashFromLine } from "../fakes/discord/commandLine.ts";
import { commandInteraction } from "../fakes/discord/payloads.ts";
import { FakeDiscord, type RecordedRequest } from "../fakes/discord/server.ts";
import type { UploadedFile } from "../fakes/multipart.ts";
import { type LogLine, waitUntil } from "../helpers.ts";
import { contractCommands, type Driver, handled, type Seen, type Shown } from "./driver.ts";

interface Sent {
  shown: Shown;
  ephemeral: boolean;
}

/** What a person gets in a message: content and embeds, Markdown and escapes taken off again, and its files. */
function shownOf(
  message: { content?: string; embeds?: APIEmbed[] },
  uploads: readonly UploadedFile[],
): Shown {
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
  return { text, links, files: uploads.map((file) => ({ name: file.filename, data: file.data })) };
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
      else sent.push({ shown: shownOf(data, request.files), ephemeral });
    } else if (request.method === "PATCH") {
      sent.push({ shown: shownOf(request.body, request.files), ephemeral: deferredEphemeral });
    } else if (request.method === "POST") {
      sent.push({
        shown: shownOf(request.body, request.files),
        ephemeral: ((request.body.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
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
  const world = () => {
    if (!fake) throw new Error("the Discord driver is not started");
    return fake;
  };
  const seenIn = (where: "private" | "group", sent: readonly Sent[]): Seen => ({
    // In a DM only the person is there: everything is personal.
    visible: where === "group" ? sent.filter((s) => !s.ephemeral).map((s) => s.shown) : [],
    personal: sent.filter((s) => where === "private" || s.ephemeral).map((s) => s.shown),
  });

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
      const discord = world();
      const { name, options } = slashFromLine(line, contractCommands);
      const { id, requests } = await discord.runCommand(name, options, where === "group" ? {} : { in: "dm" });
      const token = requests[0]?.path.split("/")[3] ?? "";
      const count = expected.kind === "reply" ? renderReply(expected.reply).length : 0;
      const sent = await waitUntil(() => {
        const answers = answersIn(discord.requestsFor(token));
        return answers.length >= count && answers;
      });
      return { seen: seenIn(where, sent), requestId: id };
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
