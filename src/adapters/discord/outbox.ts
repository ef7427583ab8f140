import { REST, type RESTPostAPIChannelMessageJSONBody, Routes } from "discord.js";
import { DeliveryError } from "../../core/errors.ts";
import type { Outbox } from "../../core/ports.ts";
import type { Reply } from "../../core/reply.ts";
import { channelIdOf } from "./address.ts";
import { deliveryError } from "./errors.ts";
import { uploadsOf } from "./files.ts";
import { NO_MENTIONS } from "./interactions.ts";
import { renderReply } from "./render.ts";

/**
 * Posts a reply to the Discord channel at an address through REST; throws DeliveryError when it
 * cannot. discord.js's REST client queues each channel's posts within its rate-limit bucket and
 * all requests within Discord's global 50 a second (waiting out any 429), so a fan-out needs no
 * throttle here.
 */
export async function postTo(rest: REST, address: string, reply: Reply): Promise<void> {
  const channelId = channelIdOf(address);
  if (channelId === undefined) {
    throw new DeliveryError(`"${address}" is not a Discord channel`, true, "not a Discord channel");
  }
  const messages = renderReply(reply);
  for (const message of messages) {
    const body: RESTPostAPIChannelMessageJSONBody = { ...message, allowed_mentions: NO_MENTIONS };
    // The files go with the last message, after the text that explains them.
    const last = message === messages.at(-1) && (reply.files?.length ?? 0) > 0;
    const uploads = last ? uploadsOf(reply.files ?? []) : undefined;
    try {
      await rest.post(
        Routes.channelMessages(channelId),
        uploads ? { body: { ...body, attachments: uploads.attachments }, files: uploads.files } : { body },
      );
    } catch (error) {
      throw deliveryError(error, channelId);
    }
  }
}

/** Sending without the gateway (a worker's nudges): REST alone, so any number of processes may send. */
export function createDiscordOutbox(options: { token: string; apiUrl?: string | undefined }): Outbox {
  const rest = new REST(options.apiUrl ? { api: options.apiUrl } : {}).setToken(options.token);
  return {
    name: "discord",
    owns: (address) => channelIdOf(address) !== undefined,
    send: (address, reply) => postTo(rest, address, reply),
    async stop() {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
  };
}
