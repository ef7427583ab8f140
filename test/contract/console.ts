import { PassThrough } from "node:stream";
import { consoleCaller, createConsoleAdapter } from "../../src/adapters/console/index.ts";
import type { Core } from "../../src/core/handle.ts";
import type { Adapter } from "../../src/core/ports.ts";
import { waitUntil } from "../helpers.ts";
import { BARRIER, type Driver, isBarrier, type Seen, type Shown } from "./driver.ts";

/** The console adapter on in-memory streams, in --json mode: one object per answer, its text as printed. */
export function consoleDriver(): Driver {
  let adapter: Adapter | undefined;
  let input = new PassThrough();
  const printed: Shown[] = [];

  const start = async (core: Core) => {
    input = new PassThrough();
    const output = new PassThrough();
    let buffered = "";
    output.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        // The console prints addresses next to source titles: the links are in the text.
        const { text } = JSON.parse(line) as { text: string };
        printed.push({ text, links: [...text.matchAll(/<(https?:[^>]+)>/g)].map((m) => m[1] ?? "") });
      }
    });
    adapter = createConsoleAdapter({ input, output, json: true, interactive: false, core });
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
    },
  };
}
