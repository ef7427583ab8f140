import type { IncomingMessage, ServerResponse } from "node:http";
import type { Update } from "grammy/types";
import { isMultipart, parseMultipart } from "../multipart.ts";
import type { ApiFailure } from "./chats.ts";

/** The fake Bot API's wire: its JSON answers, request bodies, and the update queue behind getUpdates. */

export function answer(res: ServerResponse, body: { result: unknown } | ApiFailure): void {
  const failed = !("result" in body);
  const json = JSON.stringify(failed ? { ok: false, ...body } : { ok: true, result: body.result });
  res.writeHead(failed ? body.error_code : 200, { "content-type": "application/json" }).end(json);
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Updates waiting to be fetched, ids from 1 as grammY's first offset expects, and the one open long poll. */
export class UpdateQueue {
  private readonly updates: Update[] = [];
  private nextUpdateId = 1;
  private pendingPoll: ((updates: Update[] | ApiFailure) => void) | undefined;

  constructor(private readonly maxPollMs: number) {}

  /** The id of the update queued last. */
  get lastId(): number {
    return this.nextUpdateId - 1;
  }

  push(update: Omit<Update, "update_id">): Update {
    const full = { update_id: this.nextUpdateId++, ...update } as Update;
    this.updates.push(full);
    this.pendingPoll?.([full]);
    return full;
  }

  /** Removes and returns every update waiting (a webhook takes them instead of getUpdates). */
  take(): Update[] {
    return this.updates.splice(0);
  }

  /** Ends an open long poll with nothing, as a server shutting down would. */
  close(): void {
    this.pendingPoll?.([]);
  }

  /** getUpdates: what is queued from `offset` on, or a long poll that waits for the next update. */
  poll(payload: Record<string, unknown>, res: ServerResponse): void {
    const offset = Number(payload.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(payload.limit ?? 100)));
    const timeoutMs = Math.min(Number(payload.timeout ?? 0) * 1000, this.maxPollMs);
    // Asking with an offset confirms every update before it: they are never sent again.
    if (offset > 0) {
      while (this.updates[0] && this.updates[0].update_id < offset) this.updates.shift();
    }
    const ready = this.updates.filter((u) => u.update_id >= offset).slice(0, limit);
    if (ready.length > 0 || timeoutMs <= 0) {
      answer(res, { result: ready });
      return;
    }
    // Only one long poll at a time per bot: the older one is ended, as Telegram does.
    this.pendingPoll?.({
      error_code: 409,
      description:
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    });
    const finish = (result: Update[] | ApiFailure) => {
      clearTimeout(timer);
      if (this.pendingPoll === finish) this.pendingPoll = undefined;
      if (res.writableEnded || res.destroyed) return;
      answer(res, Array.isArray(result) ? { result: result.slice(0, limit) } : result);
    };
    const timer = setTimeout(() => finish([]), timeoutMs);
    this.pendingPoll = finish;
    res.on("close", () => {
      clearTimeout(timer);
      if (this.pendingPoll === finish) this.pendingPoll = undefined;
    });
  }
}

/** Parameters Telegram takes as JSON-serialised text inside a multipart body. */
const JSON_FIELDS = new Set(["reply_markup", "reply_parameters", "link_preview_options", "caption_entities"]);

/**
 * A method call's parameters from its body: JSON, or multipart/form-data when files are uploaded
 * (core.telegram.org/bots/api#making-requests). There every value is text; a file parameter holds
 * `attach://<part>` naming the file part, or is itself the file part, and becomes the UploadedFile.
 */
export async function payloadOf(
  contentType: string | undefined,
  body: Buffer,
): Promise<Record<string, unknown>> {
  if (!isMultipart(contentType)) {
    const text = body.toString("utf8");
    return text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
  }
  const { fields, files } = await parseMultipart(contentType ?? "", body);
  const payload: Record<string, unknown> = {};
  const attached = new Set<string>();
  for (const [name, value] of Object.entries(fields)) {
    const part = /^attach:\/\/(.+)$/.exec(value)?.[1];
    if (part !== undefined) attached.add(part);
    payload[name] =
      part !== undefined
        ? files.find((file) => file.field === part)
        : JSON_FIELDS.has(name)
          ? JSON.parse(value)
          : value;
  }
  for (const file of files) if (!attached.has(file.field)) payload[file.field] = file;
  return payload;
}
