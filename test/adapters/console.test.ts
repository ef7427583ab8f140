import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { commands, plainTextCommand } from "../../commands/index.ts";
import { createConsoleAdapter } from "../../src/adapters/console/index.ts";
import type { CommandSpec } from "../../src/core/command.ts";
import { createCore } from "../../src/core/handle.ts";
import { attach, SAMPLE_FILES } from "../fixtures/attach.ts";
import { testContext } from "../helpers.ts";

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
    const env = {
      ...process.env,
      TELEGRAM_BOT_TOKEN: "",
      DISCORD_TOKEN: "",
      STEPWISE_DATA: join(dir, "data.json"),
    };
    const child = exec("npm", ["start", "--silent", "--", "--json"], { env, cwd: process.cwd() });
    child.child.stdin?.end("/ask do programs still care about step 1?\n");
    const { stdout } = await child;
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      ok: true,
      command: "ask",
      data: { match: { id: "step1-still-matters" } },
    });
    await rm(dir, { recursive: true, force: true });
  });
});
