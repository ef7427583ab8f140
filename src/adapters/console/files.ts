import { randomUUID } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import type { Attachment } from "../../core/reply.ts";

/** A reply's file as the console delivered it: written to disk, where the person can open it. */
export interface SavedFile {
  name: string;
  mime: string;
  /** Absolute path of the written file. */
  path: string;
  description: string;
}

/**
 * A file name that stays inside the folder: no directories, nothing hidden, nothing a shell or a
 * file manager would trip on.
 */
function safeName(name: string): string {
  const cleaned = basename(name)
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .replace(/^\.+/, "");
  return cleaned === "" ? "file" : cleaned.slice(0, 120);
}

/**
 * Writes each file into `folder` (created readable by its owner only, 700), each file 600: files
 * hold personal data (a roadmap, a progress picture). A file of the same name is replaced whole
 * (written beside it, then renamed), so an export done again updates the one copy.
 */
export async function saveFiles(folder: string, files: readonly Attachment[]): Promise<SavedFile[]> {
  if (files.length === 0) return [];
  const dir = resolve(folder);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const saved: SavedFile[] = [];
  for (const file of files) {
    const path = join(dir, safeName(file.name));
    const temporary = `${path}.${randomUUID().slice(0, 8)}.tmp`;
    try {
      await writeFile(temporary, file.data, { mode: 0o600, flag: "wx" });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    saved.push({ name: file.name, mime: file.mime, path, description: file.description });
  }
  return saved;
}
