/**
 * Finding 2 of issue #16: /forget did not erase. After it answers, no file in the data folder may
 * hold the person's id or anything they stored, with the bot still running.
 */
import { once } from "node:events";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/core/ports.ts";
import { FileStore } from "../../src/store/file/fileStore.ts";
import { KNOWLEDGE_DIR } from "../helpers.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "stepwise-forget-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Which of `needles` occur in which file of the folder, as `file: needle`. */
async function grep(folder: string, needles: readonly string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const name of await readdir(folder)) {
    const text = await readFile(join(folder, name), "latin1");
    for (const needle of needles) if (text.includes(needle)) hits.push(`${name}: ${needle}`);
  }
  return hits;
}

/** The bot as `npm start` runs it in a terminal, with a console chat we type into. */
async function startBot(data: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  const replies: Array<{ ok: boolean; command: string; text: string }> = [];
  let buffered = "";
  output.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) replies.push(JSON.parse(line));
    output.emit("reply");
  });
  const app = await startApp({
    config: loadConfig({ STEPWISE_DATA: data }),
    logger: silentLogger,
    knowledgeDir: KNOWLEDGE_DIR,
    // No snapshot: the files themselves are read, as a start before any build would.
    knowledgeSnapshot: join(dir, "no-snapshot.json"),
    console: { input, output, json: true, interactive: false },
  });
  /** Types one line and waits for its answer. */
  const say = async (line: string) => {
    const before = replies.length;
    input.write(`${line}\n`);
    while (replies.length === before) await once(output, "reply");
    return replies[before];
  };
  return { app, say };
}

describe("finding 2 (/forget does not erase)", () => {
  it("GIVEN a person's profile, scores and nudge on disk THEN once /forget answers, no file in the data folder holds their id or anything they stored, while the bot still runs", async () => {
    const folder = join(dir, "data");
    const { app, say } = await startBot(join(folder, "stepwise.json"));
    try {
      const stored = [
        "/profile set step2ck:247 situation:observership timezone:Pacific/Chatham",
        '/score add exam:step2ck test:"NBME Zeta-Quokka" score:233 date:2026-11-20',
        '/score add exam:step2ck test:"UWSA Wombat" score:238 date:2026-11-21',
        "/nudge start time:06:45 timezone:Pacific/Chatham exam_date:2027-03-04",
      ];
      for (const line of stored) expect((await say(line))?.ok, line).toBe(true);
      const needles = [
        `console:${userInfo().username}`,
        "NBME Zeta-Quokka",
        "UWSA Wombat",
        "Pacific/Chatham",
        "observership",
        "2027-03-04",
      ];
      // Not vacuous: before /forget the data folder holds every one of them.
      const before = new Set((await grep(folder, needles)).map((hit) => hit.split(": ")[1]));
      expect([...before].sort()).toEqual([...needles].sort());

      const forget = await say("/forget confirm:yes");
      expect(forget?.text).toContain(
        "Your profile, practice scores, study log, sharing choices and private daily nudge are deleted",
      );
      expect(await grep(folder, needles)).toEqual([]);
      expect((await readdir(folder)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    } finally {
      await app.shutdown("test over");
    }
  });

  it("GIVEN a logged score is removed THEN no file holds it once the reply says so", async () => {
    const folder = join(dir, "data");
    const { app, say } = await startBot(join(folder, "stepwise.json"));
    try {
      await say('/score add exam:step2ck test:"NBME Platypus" score:229 date:2026-11-20');
      await say('/score add exam:step2ck test:"UWSA Echidna" score:236 date:2026-11-22');
      expect((await grep(folder, ["NBME Platypus"])).length).toBeGreaterThan(0);
      expect((await say("/score remove id:1"))?.text).toContain("Removed #1: NBME Platypus");
      expect(await grep(folder, ["NBME Platypus"])).toEqual([]);
      expect(await grep(folder, ["UWSA Echidna"])).toEqual(["stepwise.json: UWSA Echidna"]);
    } finally {
      await app.shutdown("test over");
    }
  });

  it("GIVEN snapshot temporary files left by killed processes THEN start-up removes them, and no other file", async () => {
    const folder = join(dir, "data");
    const data = join(folder, "stepwise.json");
    await FileStore.open(data).then((store) => store.close());
    const leftovers = ["stepwise.json.4242.tmp", "stepwise.json.17.tmp"];
    for (const name of leftovers) {
      await writeFile(join(folder, name), '{"version":1,"users":{"telegram:555":{}}}');
    }
    await writeFile(join(folder, "notes.tmp"), "not ours");
    const store = await FileStore.open(data);
    expect((await readdir(folder)).sort()).toEqual(
      ["notes.tmp", "stepwise.json", "stepwise.json.journal", "stepwise.json.lock.1"].sort(),
    );
    await store.close();
  });
});
