import { describe, expect, it } from "vitest";
import { applyAnswer, GuidedInputs, inputOf, nextQuestion } from "../../../src/adapters/telegram/guided.ts";
import { isGroup, type LeafCommand } from "../../../src/core/command.ts";
import { testCommands } from "./harness.ts";

const checkin = testCommands.find((spec) => spec.name === "checkin") as LeafCommand;
const demo = testCommands.find(isGroup);

function movableClock(iso: string) {
  let at = new Date(iso).getTime();
  return { now: () => new Date(at), advance: (ms: number) => (at += ms) };
}

describe("guided input state", () => {
  it("GIVEN a question left unanswered for 15 minutes THEN it has expired", () => {
    const clock = movableClock("2026-11-25T12:00:00Z");
    const flows = new GuidedInputs(clock);
    const flow = flows.begin(1, 2, { kind: "leaf", leaf: checkin, path: "checkin" }, {});
    clock.advance(14 * 60_000);
    expect(flows.current(1, 2)).toBe(flow);
    flows.touch(flow);
    clock.advance(14 * 60_000);
    expect(flows.current(1, 2)).toBe(flow);
    clock.advance(60_000);
    expect(flows.current(1, 2)).toBeUndefined();
  });

  it("GIVEN two people in one chat THEN each has their own flow", () => {
    const flows = new GuidedInputs(movableClock("2026-11-25T12:00:00Z"));
    const first = flows.begin(-5, 1, { kind: "leaf", leaf: checkin, path: "checkin" }, {});
    const second = flows.begin(-5, 2, { kind: "leaf", leaf: checkin, path: "checkin" }, { step1: "pass" });
    expect(flows.current(-5, 1)).toBe(first);
    expect(flows.current(-5, 2)).toBe(second);
    expect(nextQuestion(first)?.choices).toEqual(["pass", "fail", "not_taken"]);
    expect(nextQuestion(second)?.expects).toBe("Type a whole number from 1 to 16.");
  });

  it("GIVEN answers one by one THEN a wrong one changes nothing and each right one goes into the command", () => {
    const flows = new GuidedInputs(movableClock("2026-11-25T12:00:00Z"));
    if (!demo) throw new Error("the test registry has a command group");
    const flow = flows.begin(1, 1, { kind: "group", group: demo }, {});
    expect(applyAnswer(flow, "three")).toEqual({ ok: false, message: "Choose one of one, two." });
    expect(applyAnswer(flow, "Two")).toEqual({ ok: true, value: "two" });
    expect(inputOf(flow)).toEqual({ kind: "command", name: "demo", subcommand: "two", options: {} });
    expect(nextQuestion(flow)?.choices).toEqual(["low", "high"]);
    expect(applyAnswer(flow, "medium")).toMatchObject({ ok: false });
    expect(applyAnswer(flow, "HIGH")).toEqual({ ok: true, value: "high" });
    expect(nextQuestion(flow)).toBeUndefined();
    expect(inputOf(flow)).toEqual({
      kind: "command",
      name: "demo",
      subcommand: "two",
      options: { level: "high" },
    });
  });
});
