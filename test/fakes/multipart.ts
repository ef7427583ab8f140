import { Busboy } from "@fastify/busboy";

/**
 * multipart/form-data request bodies, as both fake platforms receive file uploads: parsed with
 * busboy, which reads what real servers accept (grammY writes headers without spaces and file names
 * unquoted; Node's own FormData parser refuses that, Telegram does not).
 */

/** One uploaded file part. */
export interface UploadedFile {
  /** The form field it came in (grammY: a random id that an `attach://` value names). */
  field: string;
  filename: string;
  /** The content type the client declared for the part. */
  mime: string;
  data: Buffer;
}

export interface MultipartBody {
  fields: Record<string, string>;
  files: UploadedFile[];
}

export const isMultipart = (contentType: string | undefined): boolean =>
  contentType?.toLowerCase().startsWith("multipart/form-data") ?? false;

/** Parses a whole multipart/form-data body; rejects on a malformed one. */
export function parseMultipart(contentType: string, body: Buffer): Promise<MultipartBody> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    const reading: Promise<void>[] = [];
    const parser = new Busboy({ headers: { "content-type": contentType } });
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (field, stream, filename, _encoding, mime) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      reading.push(
        new Promise((done) =>
          stream.on("end", () => {
            files.push({ field, filename, mime, data: Buffer.concat(chunks) });
            done();
          }),
        ),
      );
    });
    parser.on("error", reject);
    parser.on("finish", () => {
      Promise.all(reading).then(() => resolve({ fields, files }), reject);
    });
    parser.end(body);
  });
}
