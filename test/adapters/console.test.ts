import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { commands, plainTextCommand } from "../../commands/index.ts";
import { createConsoleAdapter } from "../../src/adapters/console/index.ts";
import { createCore } from "../../src/core/handle.ts";
import { testContext } from "../helpers.ts";

const exec = promisify(execFile);

async function chat(lines: string[], json: boolean, interactive = false): Promise<string> {
  const { services } = await testContext();
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const core = createCore(services, commands, { plainText: plainTextCommand });
  const adapter = createConsoleAdapter({ input, output, json, interactive, core });
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
