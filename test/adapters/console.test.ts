import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { commands, plainTextCommand } from "../../commands/index.ts";
import { createConsoleAdapter } from "../../src/adapters/console/index.ts";
import type { CommandSpec } from "../../src/core/command.ts";
import { createCore } from "../../src/core/handle.ts";
import { servableSeasons } from "../../src/engine/roadmap/roadmap.ts";
import { attach, SAMPLE_FILES } from "../fixtures/attach.ts";
import { testContext, testKnowledge } from "../helpers.ts";

const exec = promisify(execFile);

async function chat(
  lines: string[],
  json: boolean,
  interactive = false,
  options: { registry?: readonly CommandSpec[]; filesDir?: string } = {},
): Promise<string> {
  const { services } = await testContext();
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const core = createCore(services, options.registry ?? commands, { plainText: plainTextCommand });
  // Only the file tests give a folder; no other reply has files, so this one is never created.
  const filesDir = options.filesDir ?? join(tmpdir(), "stepwise-console-no-files");
  const adapter = createConsoleAdapter({ input, output, json, interactive, core, filesDir });
  await adapter.start();
  input.end(`${lines.join("\n")}\n`);
  await adapter.ended;
  await adapter.stop();
  return text;
}

/** `npm start --silent -- --json` with no tokens and its data in `dir`: the JSON line of each answer. */
async function npmStartJson(dir: string, input: string) {
  const env = {
    ...process.env,
    TELEGRAM_BOT_TOKEN: "",
    DISCORD_TOKEN: "",
    STEPWISE_DATA: join(dir, "data.json"),
  };
  const child = exec("npm", ["start", "--silent", "--", "--json"], { env, cwd: process.cwd() });
  child.child.stdin?.end(input);
  const { stdout } = await child;
  return stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

describe("console adapter", () => {
  it("GIVEN piped input with --json THEN one JSON object per line, in order", async () => {
    const out = await chat(["/ask do programs still care about step 1?", "/nope", "", "/help"], true);
    const rows = out
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(rows.map((r) => [r.ok, r.command])).toEqual([
      [true, "ask"],
      [false, "nope"],
      [true, "help"],
    ]);
    expect(rows[0].data.match).toMatchObject({ id: "step1-still-matters" });
    expect(rows[1].text).toContain("There is no command /nope");
  });

  it("GIVEN a declined question THEN the closest entries are numbered, and typing a number opens that entry", async () => {
    const knowledge = await testKnowledge();
    const question = "is the ECFMG thing hard for people from my country";
    const offered = knowledge.faq.hits(question, 5).map((hit) => hit.entry);
    const text = await chat([`/ask ${question}`, "2", "/about", "3"], false);
    const [declined = "", second = "", , third = ""] = text.split(/\n(?=\S[^\n]*\n─)/);
    offered.forEach((entry, i) => {
      expect(declined).toContain(`  ${i + 1}. ${entry.title}`);
    });
    expect(declined).toContain("Type a number to open one of the numbered entries.");
    expect(second.startsWith(offered[1]?.title ?? "?")).toBe(true);
    // The opened entry numbers its own related entries; /about has no list, so "3" means the third of those.
    const relatedThird = knowledge.entry(offered[1]?.related[2] ?? "");
    expect(relatedThird).toBeDefined();
    expect(second).toContain(`  3. ${relatedThird?.title}`);
    expect(third.startsWith(relatedThird?.title ?? "?")).toBe(true);
  });

  it("GIVEN plain text THEN it is treated as a question", async () => {
    const out = await chat(["do programs still care about step 1"], true);
    expect(JSON.parse(out).command).toBe("ask");
  });

  it("GIVEN a person at a terminal THEN it greets and prompts, and /quit ends the chat", async () => {
    const out = await chat(["/about", "/quit", "/help"], false, true);
    expect(out).toContain("Ask a question, or type /help");
    expect(out).toContain("About Stepwise");
    expect(out).not.toContain("Stepwise commands");
  });

  it("GIVEN a reply with files at a terminal THEN each is written to the files folder (700, files 600) and its path printed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stepwise-console-"));
    const filesDir = join(dir, "files");
    const out = await chat(["/attach", "/attach"], false, false, { registry: [attach], filesDir });
    for (const file of SAMPLE_FILES) {
      const path = join(filesDir, file.name);
      expect(out).toContain(`File: ${path}\n  ${file.description}`);
      expect((await readFile(path)).equals(Buffer.from(file.data))).toBe(true);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    }
    expect((await stat(filesDir)).mode & 0o777).toBe(0o700);
    // The second answer replaced the first one's files: one copy each, no temporary files left.
    expect((await readdir(filesDir)).sort()).toEqual(SAMPLE_FILES.map((f) => f.name).sort());
    await rm(dir, { recursive: true, force: true });
  });

  it("GIVEN --json THEN the files are listed with their paths and data.file names the first", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stepwise-console-"));
    const filesDir = join(dir, "files");
    const [row] = (await chat(["/attach"], true, false, { registry: [attach], filesDir }))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(row.data.file).toBe(join(filesDir, "sample-calendar.ics"));
    expect(row.files.map((f: { path: string }) => f.path)).toEqual(
      SAMPLE_FILES.map((f) => join(filesDir, f.name)),
    );
    await rm(dir, { recursive: true, force: true });
  });

  it("GIVEN /progress with --json THEN the picture is written as a PNG and data.image gives its path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stepwise-console-"));
    const filesDir = join(dir, "files");
    const rows = (await chat(["/progress exam:step2ck exam_date:2027-03-01"], true, false, { filesDir }))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const image = join(filesDir, "progress-step2ck.png");
    expect(rows[0]?.data.image).toBe(image);
    expect((await readFile(image)).subarray(1, 4).toString()).toBe("PNG");
    expect(rows[0]?.text).toContain("Red line: the passing standard");
    await rm(dir, { recursive: true, force: true });
  });

  it("GIVEN a files folder that cannot be written THEN the reply still arrives and says the file was not saved", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stepwise-console-"));
    const blocked = join(dir, "not-a-folder");
    await writeFile(blocked, "a file where the folder should be");
    const out = await chat(["/attach"], false, false, { registry: [attach], filesDir: blocked });
    expect(out).toContain("Here are the two sample files.");
    expect(out).toContain(`The file could not be written to ${blocked}`);
    await rm(dir, { recursive: true, force: true });
  });

  it("GIVEN `npm start -- --json` with piped stdin and no tokens THEN the real process answers", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stepwise-console-"));
    const lines = await npmStartJson(dir, "/ask do programs still care about step 1?\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      ok: true,
      command: "ask",
      data: { match: { id: "step1-still-matters" } },
    });
    await rm(dir, { recursive: true, force: true });
  });

  it("GIVEN the issue's lines piped to `npm start -- --json` THEN /roadmap answers in date order with statuses and sources, and /roadmap export writes a calendar that parses", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stepwise-console-"));
    // The issue says 2028; the real process runs on today's date, so a Match still ahead is taken.
    const match = Math.max(2028, servableSeasons(await testKnowledge(), new Date()).first);
    const [, roadmap, exported] = await npmStartJson(
      dir,
      `/profile set step1:pass visa:yes timezone:Asia/Kolkata match:${match}\n/roadmap\n/roadmap export\n`,
    );
    const milestones = roadmap.data.milestones as Array<{
      id: string;
      date: string | { from: string };
      status: string;
      source: { title: string };
    }>;
    const days = milestones.map((m) => (typeof m.date === "string" ? m.date : m.date.from));
    expect(days).toEqual([...days].sort());
    expect(milestones.every((m) => m.status && m.source.title)).toBe(true);
    for (const id of ["eras_submit", "rol_deadline", "match_day", "step3_for_h1b"]) {
      expect(milestones.map((m) => m.id)).toContain(id);
    }
    expect(exported.data.file).toBe(join(dir, "files", `stepwise-match-${match}.ics`));
    const calendar = new ICAL.Component(ICAL.parse(await readFile(exported.data.file, "utf8")));
    expect(calendar.getAllSubcomponents("vevent")).toHaveLength(milestones.length);
    await rm(dir, { recursive: true, force: true });
  });
});
