import { describe, expect, it } from "vitest";
import { type DayTotal, rollingAverage } from "../../src/engine/progress/log.ts";

const day = (questions: number): DayTotal => ({ questions, correct: 0, judged: 0 });

describe("the 7-day average of questions a day", () => {
  it("GIVEN a log started three days ago THEN it averages over those days, not over a week with zeros before it", () => {
    const days = new Map([
      ["2026-11-26", day(60)],
      ["2026-11-27", day(30)],
      ["2026-11-28", day(60)],
    ]);
    expect(rollingAverage(days, "2026-11-26", "2026-11-28")).toEqual([
      { day: "2026-11-26", average: 60 },
      { day: "2026-11-27", average: 45 },
      { day: "2026-11-28", average: 50 },
    ]);
  });

  it("GIVEN a week and more of log THEN a day without questions counts as 0 in the 7 days", () => {
    const days = new Map<string, DayTotal>();
    for (let d = 10; d <= 20; d++) if (d !== 18) days.set(`2026-11-${d}`, day(70));
    const [last] = rollingAverage(days, "2026-11-20", "2026-11-20");
    expect(last).toEqual({ day: "2026-11-20", average: 60 });
  });
});
