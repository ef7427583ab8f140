import { describe, expect, it } from "vitest";
import { renderPlain } from "../../src/adapters/console/render.ts";
import type { CommandContext } from "../../src/core/command.ts";
import { leavesOf } from "../../src/core/dispatch.ts";
import { repliesPrivately } from "../../src/core/preconditions.ts";
import type { MemoryStore } from "../../src/store/memory/memoryStore.ts";
import { fixedClock, memoryContext, runLine, testCaller, testContext } from "../helpers.ts";

const PERSONAL = ["target", "score", "readiness", "plan", "profile", "mydata", "forget"];

/** Commands run as one caller; `document` is the memory backend's, when the test gave one to inspect. */
async function session(ctx?: CommandContext, document?: MemoryStore) {
  const context = ctx ?? (await testContext());
  const run = async (line: string) => {
    const outcome = await runLine(line, context);
    // biome-ignore lint/suspicious/noExplicitAny: reply data is JSON whose shape each test asserts on
    const data = outcome.reply.data as Record<string, any>;
    return { ...outcome, text: renderPlain(outcome.reply), data };
  };
  return { ctx: context, run, document };
}

describe("personal commands", () => {
  it("GIVEN the registry THEN every scores/profile command has the private-only precondition", async () => {
    const { ctx } = await session();
    const leaves = leavesOf(ctx.commands).filter(({ path }) => PERSONAL.includes(path.split(" ")[0] ?? ""));
    expect(leaves.length).toBe(10);
    for (const { path, leaf } of leaves) expect(repliesPrivately(leaf), path).toBe(true);
  });

  it("GIVEN an IMG with a prior Step 1 failure, a 236 practice score and an exam in 5 weeks THEN the advice is the guide's: below target under 6 weeks, consider a new date", async () => {
    const { run } = await session();
    await run("/profile set step1:fail visa:yes step2ck_date:2026-12-30");
    await run('/score add exam:step2ck test:"NBME 12" score:236 date:2026-11-20');
    const readiness = await run("/readiness exam:step2ck");
    expect(readiness.ok).toBe(true);
    expect(readiness.to).toBe("sender");
    expect(readiness.data.verdict).toBe("not_ready");
    expect(readiness.data.target).toMatchObject({ source: "guide" });
    expect(readiness.data.projected.mid).toBe(236);
    expect(readiness.text).toMatch(/under 6 weeks/);
    expect(readiness.text).toMatch(/Consider moving the exam to a later date/);
    expect(readiness.text).toMatch(/Method: /);
    expect(readiness.text).toMatch(/2025-26/);

    const target = await run("/target");
    expect(target.data.target.low - target.data.mean.value).toBe(10);
    expect(target.text).toMatch(/after a Step 1 failure/);
    expect(target.text).toMatch(/H-1B/);

    const plan = await run("/plan exam:step2ck");
    expect(plan.data.enough_time).toBe(false);
    expect(plan.text).toMatch(/Not enough time for a safe plan/);
  });

  it("GIVEN missing /target options THEN the saved profile fills them and the reply says so", async () => {
    const { run } = await session();
    await run("/profile set step1:pass step2ck:238 visa:no");
    const target = await run("/target");
    expect(target.data.step1).toBe("pass");
    expect(target.data.standing.score).toBe(238);
    expect(target.text).toMatch(/From your saved profile: step1:pass, step2ck:238, visa:no/);
    const typed = await run("/target step1:fail");
    expect(typed.data.basis).toBe("prior_step1_failure");
  });

  it("GIVEN scores added, listed and removed THEN ids count up, are never reused, and the list is in date order", async () => {
    const { run } = await session();
    await run('/score add exam:step2ck test:"NBME 11" score:230 date:2026-11-10');
    await run('/score add exam:step2ck test:"NBME 10" score:225 date:2026-10-10');
    expect((await run("/score list")).data.scores.map((s: { id: string }) => s.id)).toEqual(["2", "1"]);
    const removed = await run("/score remove id:2");
    expect(removed.data.removed.test).toBe("NBME 10");
    const again = await run('/score add exam:step2ck test:"NBME 12" score:236 date:2026-11-20');
    expect(again.data.score.id).toBe("3");
    expect((await run("/score")).data.scores.map((s: { id: string }) => s.id)).toEqual(["1", "3"]);
  });

  it.each([
    {
      score: "85%",
      judged:
        /chance of passing is turned into points above the passing standard .* 85% counts as about \+8 points/,
    },
    { score: "215", judged: /three-digit Step 1 score by its margin over the passing standard/ },
  ])("GIVEN a Step 1 form scored $score THEN the reply says how it is judged", async ({ score, judged }) => {
    const { run } = await session();
    const added = await run(`/score add exam:step1 test:"NBME 30" score:${score}`);
    expect(added.ok).toBe(true);
    expect(added.text).toMatch(judged);
    expect(added.text).toMatch(/10-15 points above passing/);
  });

  it("GIVEN /mydata THEN it returns everything stored about the caller as JSON, and /forget confirm:yes deletes it all", async () => {
    const { ctx: base, document } = await memoryContext();
    const other = { ...base, caller: { ...testCaller, userId: "console:someone-else" } };
    const me = await session(base, document);
    const them = await session(other);
    await them.run("/profile set step1:pass");
    await me.run("/profile set step1:fail timezone:Asia/Kolkata");
    await me.run('/score add exam:step2ck test:"NBME 12" score:236');
    const mine = await me.run("/mydata");
    expect(mine.to).toBe("sender");
    expect(mine.data.record).toEqual(document.read().users[testCaller.userId]);
    expect(
      JSON.parse(
        mine.reply.blocks.map((b) => (b.kind === "paragraph" ? b.text : "")).find((t) => t.startsWith("{")) ??
          "",
      ),
    ).toEqual(mine.data);

    const forgot = await me.run("/forget confirm:yes");
    expect(forgot.data.deleted).toBe(true);
    expect(document.read().users[testCaller.userId]).toBeUndefined();
    expect((await me.run("/mydata")).data.record).toBeNull();
    expect(document.read().users["console:someone-else"]?.profile.step1).toBe("pass");
  });

  it("GIVEN a profile time zone THEN 'today' is the user's: an exam on the UTC date is already past in Kiritimati", async () => {
    const { run } = await session(await testContext({ clock: fixedClock("2026-11-25T12:00:00Z") }));
    await run("/profile set timezone:Pacific/Kiritimati");
    const late = await run("/readiness exam:step2ck exam_date:2026-11-25");
    expect(late.ok).toBe(false);
    expect(late.text).toMatch(/in the past \(today is 2026-11-26\)/);
  });

  it("GIVEN every reply of a personal command THEN it goes to the sender alone", async () => {
    const { run } = await session();
    for (const line of [
      "/profile set step1:pass step2ck_date:2027-03-01",
      "/profile",
      "/target",
      "/score add exam:step2ck test:x score:240",
      "/score list",
      "/readiness exam:step2ck",
      "/plan exam:step2ck",
      "/mydata",
      "/score remove id:1",
      "/forget confirm:yes",
    ]) {
      const outcome = await run(line);
      expect(outcome.ok, `${line}: ${outcome.text}`).toBe(true);
      expect(outcome.to, line).toBe("sender");
    }
  });
});

describe("bad input gets a specific message and changes nothing", async () => {
  const seeded = async () => {
    const { ctx, document } = await memoryContext();
    const s = await session(ctx, document);
    await s.run("/profile set step1:fail step2ck_date:2027-01-20");
    await s.run('/score add exam:step2ck test:"NBME 12" score:236 date:2026-11-20');
    return s;
  };

  it.each([
    ["/score add exam:step2ck test:x score:301", /`score`: 301 is outside 1-300/],
    ["/score add exam:step2ck test:x score:0", /`score`: 0 is outside 1-300/],
    ["/score add exam:step2ck test:x score:85%", /only NBME Step 1 forms report a chance of passing/],
    ["/score add exam:step1 test:x score:100%", /chance of passing must be from 1% to 99%/],
    ["/score add exam:step1 test:x score:great", /write a three-digit score such as 236/],
    [
      "/score add exam:step2ck test:x score:236 date:2026-02-30",
      /`date` must be a real date written YYYY-MM-DD/,
    ],
    ["/score add exam:step2ck test:x score:236 date:2026-12-01", /`date` 2026-12-01 is in the future/],
    ["/score add exam:step4 test:x score:236", /`exam` must be one of step1, step2ck or step3/],
    ["/score remove id:9", /There is no practice score #9. Your scores: #1/],
    [
      "/readiness exam:step2ck exam_date:2026-11-01",
      /`exam_date` 2026-11-01 is in the past \(today is 2026-11-25\)/,
    ],
    ["/readiness exam:step3", /I need your Step 3 date/],
    ["/readiness exam:step2ck target:400", /`target` must be a whole number from 1 to 300/],
    ["/plan exam:step2ck exam_date:2026-11-25", /leaves no time for a plan: it is today/],
    ["/plan exam:step2ck exam_date:2027-13-01", /`exam_date` must be a real date/],
    ["/plan exam:step2ck qbank:-1", /`qbank` must be a whole number from 0 to 20000/],
    ["/profile set", /Nothing to save: give at least one of step1, step2ck/],
    ["/profile set timezone:Mars/Olympus", /"Mars\/Olympus" is not a time zone name.*did you mean/],
    ["/profile set step1_date:2025-01-01", /`step1_date` 2025-01-01 is in the past/],
    ["/profile set step1:maybe", /`step1` must be one of pass, fail or not_taken/],
    ["/forget", /Nothing was deleted.*\/forget confirm:yes/],
    ["/forget confirm:no", /`confirm` must be one of yes/],
  ])("GIVEN %s THEN it says what is wrong", async (line, message) => {
    const { run, document } = await seeded();
    const before = structuredClone(document?.read());
    const outcome = await run(line);
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toMatch(message);
    expect(outcome.to).toBe("sender");
    expect(document?.read()).toEqual(before);
  });

  it("GIVEN /target with no Step 1 result anywhere THEN it asks for one", async () => {
    const { run } = await session();
    const outcome = await run("/target step2ck:240");
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toMatch(/I need your Step 1 result/);
  });
});
