import { AttachmentBuilder, type RawFile, type RESTAPIAttachment } from "discord.js";
import type { Attachment } from "../../core/reply.ts";
import { clip } from "../../core/text.ts";

/**
 * A reply's files as Discord attachments. Discord shows an attachment's description as its alt
 * text (at most 1,024 characters); the file name is what people download.
 */
const DESCRIPTION_LIMIT = 1024;

/** For interaction replies, edits and follow-ups (discord.js uploads them as multipart). */
export const attachmentsOf = (files: readonly Attachment[]): AttachmentBuilder[] =>
  files.map(
    (file) =>
      new AttachmentBuilder(Buffer.from(file.data), {
        name: file.name,
        description: clip(file.description, DESCRIPTION_LIMIT),
      }),
  );

/**
 * For a message posted through REST (scheduled posts): the files to upload and the `attachments`
 * entries of the body that name and describe them, matched by index (`files[0]` is id 0).
 */
export function uploadsOf(files: readonly Attachment[]): {
  files: RawFile[];
  attachments: RESTAPIAttachment[];
} {
  return {
    files: files.map((file) => ({ name: file.name, data: Buffer.from(file.data), contentType: file.mime })),
    attachments: files.map((file, id) => ({
      id,
      filename: file.name,
      description: clip(file.description, DESCRIPTION_LIMIT),
    })),
  };
}
