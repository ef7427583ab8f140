/**
 * Finding 5 of issue #16: replay trusted the journal's keys, and load trusted the data file's
 * shape. Each bad file is refused with a message naming it (and the line), and left untouched.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/store/errors.ts";
import { FileStore } from "../../src/store/file/fileStore.ts";

const NOW = "2026-11-28T12:00:00.000Z";
const record = {
  profile: { exam_dates: {} },
  scores: [],
  next_score_id: 1,
  created_at: NOW,
  updated_at: NOW,
};
const goodLine = JSON.stringify([{ k: ["users", "telegram:1"], v: record }]);

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "stepwise-load-"));
  await mkdir(join(dir, "data"));
  file = join(dir, "data", "stepwise.json");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Opens and expects a refusal; checks both files are byte for byte as they were. */
async function refused(snapshot: string | undefined, journal: string | undefined): Promise<string> {
  if (snapshot !== undefined) await writeFile(file, snapshot);
  if (journal !== undefined) await writeFile(`${file}.journal`, journal);
  const error = await FileStore.open(file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StoreError);
  if (snapshot !== undefined) expect(await readFile(file, "utf8")).toBe(snapshot);
  if (journal !== undefined) expect(await readFile(`${file}.journal`, "utf8")).toBe(journal);
  return (error as Error).message;
}

describe("finding 5 (replay trusts the journal's keys)", () => {
  it("GIVEN a journal line with the path __proto__/situation THEN start-up refuses naming the line, and no object is polluted", async () => {
    const poisoned = JSON.stringify([{ k: ["__proto__", "situation"], v: "away" }]);
    const message = await refused(undefined, `${goodLine}\n${poisoned}\n`);
    expect(message).toMatch(/journal .*stepwise\.json\.journal is damaged at line 2 \(not a Stepwise change/);
    expect(message).toContain("It was left untouched");
    expect(({} as Record<string, unknown>).situation).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("situation");
  });

  it.each([
    ["an id that is constructor", [{ k: ["users", "constructor"], v: record }]],
    ["an id that is prototype", [{ k: ["subscriptions", "prototype"] }]],
    ["an unknown collection", [{ k: ["secrets", "telegram:1"], v: "x" }]],
    ["a path three keys deep", [{ k: ["users", "telegram:1", "profile"], v: {} }]],
    ["a key that is not text", [{ k: ["users", 7], v: record }]],
    ["a change with an unknown field", [{ k: ["users", "telegram:1"], v: record, x: 1 }]],
    ["a line that is not a list of changes", { k: ["users", "telegram:1"] }],
  ])("GIVEN a journal line with %s THEN start-up refuses naming that line", async (_what, line) => {
    const message = await refused(undefined, `${goodLine}\n${JSON.stringify(line)}\n${goodLine}\n`);
    expect(message).toMatch(/is damaged at line 2 \(not a Stepwise change/);
  });

  it("GIVEN a valid line after a damaged one THEN start-up refuses (dropping the damage would hide a write)", async () => {
    const message = await refused(undefined, `${goodLine}\n\u0000\u0000\u0000\u0000\n${goodLine}\n`);
    expect(message).toMatch(/is damaged at line 2/);
  });

  it("GIVEN a torn or zero-filled end after the last whole line THEN it is cut off and the whole lines kept", async () => {
    await writeFile(
      `${file}.journal`,
      `${goodLine}\n[{"k":["users","telegram:2"],"v":{"pro\u0000\u0000\u0000\u0000`,
    );
    const store = await FileStore.open(file);
    expect(Object.keys(store.read().users)).toEqual(["telegram:1"]);
    await store.close();
  });

  it.each([
    ["null", "null"],
    ["a list", "[]"],
    ["a number", "42"],
    ["a string", '"stepwise"'],
  ])("GIVEN a data file holding %s THEN start-up refuses it like any damaged file", async (what, text) => {
    const message = await refused(text, undefined);
    expect(message).toBe(
      `The data file ${file} does not hold Stepwise data (it holds ${what}). It was left untouched: restore it from a backup, or move it aside to start with an empty store.`,
    );
  });

  it("GIVEN a data file with an unknown top-level field THEN start-up refuses naming it, rather than dropping it at the next write", async () => {
    const message = await refused(JSON.stringify({ version: 1, users: {}, referrals: { a: 1 } }), undefined);
    expect(message).toContain('has fields this Stepwise does not know ("referrals")');
    expect(message).toContain("It was left untouched");
  });

  it("GIVEN a data file whose users hold a __proto__ entry THEN start-up refuses it instead of dropping it", async () => {
    const text = `{"version":1,"users":{"__proto__":${JSON.stringify(record)},"telegram:1":${JSON.stringify(record)}}}`;
    const message = await refused(text, undefined);
    expect(message).toContain('"users.__proto__"');
  });
});
