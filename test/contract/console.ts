import { readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import type { SavedFile } from "../../src/adapters/console/files.ts";
import { consoleCaller, createConsoleAdapter } from "../../src/adapters/console/index.ts";
import type { Core } from "../../src/core/handle.ts";
import type { Adapter } from "../../src/core/ports.ts";
import type { Choice } from "../../src/core/reply.ts";
import { waitUntil } from "../helpers.ts";
import { BARRIER, type Driver, isBarrier, type Seen, type Shown } from "./driver.ts";

/** The console adapter on in-memory streams, in --json mode: one object per answer, its text as printed. */
export function consoleDriver(): Driver {
  let adapter: Adapter | undefined;
  let input = new PassThrough();
  const printed: Shown[] = [];
  let filesDir = "";

  const start = async (core: Core) => {
    filesDir = join(await mkdtemp(join(tmpdir(), "stepwise-console-files-")), "files");
    input = new PassThrough();
    const output = new PassThrough();
    let buffered = "";
    output.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        // The console prints addresses next to source titles: the links are in the text.
        const {
          text,
          files = [],
          choices = [],
        } = JSON.parse(line) as { text: string; files?: SavedFile[]; choices?: Choice[] };
        printed.push({
          text,
          choices: choices.map((choice) => choice.label),
          links: [...text.matchAll(/<(https?:[^>]+)>/g)].map((m) => m[1] ?? ""),
          // What the person gets is the file at the printed path, readable by them alone.
          files: files.map(({ path }) => {
            if ((statSync(path).mode & 0o777) !== 0o600) throw new Error(`${path} is readable by others`);
            return { name: basename(path), data: readFileSync(path) };
          }),
        });
      }
    });
    adapter = createConsoleAdapter({ input, output, json: true, interactive: false, core, filesDir });
    await adapter.start();
  };

  return {
    name: "console",
    groups: false,
    ephemeral: false,
    canAsk: false,
    start,
    caller: () => consoleCaller(),

    // Lines are answered one at a time, in order: once the barrier's answer is printed, so is the line's.
    async send(line) {
      const from = printed.length;
      input.write(`${line}\n/${BARRIER}\n`);
      await waitUntil(() => printed.slice(from).some(isBarrier));
      const personal = printed.slice(from).filter((shown) => !isBarrier(shown));
      return { seen: { visible: [], personal } };
    },

    // The console's buttons are numbers: typing one opens that choice of the last answer.
    async press(label) {
      const last = printed.filter((shown) => !isBarrier(shown)).at(-1);
      const index = last?.choices?.indexOf(label) ?? -1;
      if (index < 0) throw new Error(`no choice "${label}" under the last answer`);
      return (await this.send(String(index + 1), "private", { kind: "ignored" })).seen;
    },

    async flood(line, times): Promise<Seen> {
      const from = printed.length;
      input.end(`${line}\n`.repeat(times));
      await adapter?.ended;
      await adapter?.stop();
      return { visible: [], personal: printed.slice(from) };
    },

    async stop() {
      input.end();
      await adapter?.stop();
      if (filesDir !== "") await rm(dirname(filesDir), { recursive: true, force: true });
    },
  };
}
