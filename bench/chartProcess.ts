// Run by bench/chart.ts in a process of its own, so the memory it reports is the picture's alone.
import { setImmediate as turn } from "node:timers/promises";
import { addDays } from "../src/core/dates.ts";
import { type ChartData, chartSvg } from "../src/engine/progress/chart.ts";
import { renderPng } from "../src/engine/progress/png.ts";

const rss = () => process.memoryUsage().rss;

/**
 * A full picture: eight practice scores, ninety days of sessions, four plan phases. `variant` moves
 * the scores and the countdown, as another person's picture would: their labels are new to the
 * renderer, the axis and legend labels are not.
 */
function sample(variant: number): ChartData {
  const start = "2026-09-01";
  const days = Array.from({ length: 90 }, (_, i) => addDays(start, i));
  return {
    title: "Step 2 CK progress",
    subtitle: `Latest ${246 + (variant % 9)} on 20 Nov 2026  ·  exam in ${93 - variant} days`,
    today: "2026-11-29",
    examDate: "2027-03-01",
    points: Array.from({ length: 8 }, (_, i) => ({
      date: addDays(start, i * 11),
      value: 222 + i * 3 + (i % 2) + (variant % 9),
    })),
    passing: [{ from: "2026-08-20", to: "2027-03-12", value: 218 }],
    target: { low: 255, high: 260 },
    projected: { low: 240, mid: 248, high: 256 },
    daily: days.map((day, i) => ({ day, questions: 40 + ((i * 7) % 45) })),
    average: days.map((day, i) => ({ day, average: 40 + (i % 20) })),
    phases: [
      { from: "2026-09-01", to: "2026-10-31", value: { name: "Foundation", min: 40, max: 60 } },
      { from: "2026-11-01", to: "2026-12-31", value: { name: "Build", min: 60, max: 80 } },
      { from: "2027-01-01", to: "2027-02-14", value: { name: "Sharpen", min: 60, max: 80 } },
      { from: "2027-02-15", to: "2027-02-28", value: { name: "Taper", min: 40, max: 60 } },
    ],
  };
}

const before = rss();
let started = performance.now();
renderPng(chartSvg(sample(0)));
const firstMs = performance.now() - started;
const afterFirst = rss();
const times: number[] = [];
for (let i = 1; i <= 60; i++) {
  // A turn of the event loop between pictures, as between two people asking for one.
  await turn();
  const data = sample(i);
  started = performance.now();
  renderPng(chartSvg(data));
  times.push(performance.now() - started);
}
await turn();
const after = rss();
// Many more people's pictures, each with labels of its own: memory must level off, not keep growing.
for (let i = 61; i <= 600; i++) {
  await turn();
  renderPng(chartSvg(sample(i)));
}
await turn();
console.log(JSON.stringify({ firstMs, times, before, afterFirst, after, afterMany: rss() }));
